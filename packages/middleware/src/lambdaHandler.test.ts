import { lambdaHandler } from './lambdaHandler';
import { MetricUnit } from './metrics';
import { captureOutputJson, lambdaContext } from './testing';

describe('lambdaHandler', () => {
  it('logs an error that fails the invocation as one JSON line, then fails the invocation with it', async () => {
    const failure = new Error('pipeline "nope" is not defined');
    const handler = lambdaHandler({
      service: 'extract',
      handle: async (_event, { metrics }) => {
        metrics.addMetric('RunsPlanned', MetricUnit.Count, 0); // (an invocation with no metric at all has Powertools warn in plain text)
        throw failure;
      },
    });
    const context = lambdaContext();
    const { result, lines } = await captureOutputJson(() =>
      handler({}, context).then(
        () => 'resolved',
        (error: unknown) => error,
      ),
    );

    expect(result).toBe(failure);
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([
      expect.objectContaining({
        message: 'invocation failed',
        service: 'extract',
        function_request_id: context.awsRequestId,
        error: expect.objectContaining({ name: 'Error', message: 'pipeline "nope" is not defined' }),
      }),
    ]);
  });
});
