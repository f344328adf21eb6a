import { BatchTally, createMetrics, METRICS_NAMESPACE, MetricUnit } from './metrics';
import { captureOutputJson, emfMetrics, readEmf } from './testing';

describe('createMetrics', () => {
  it('writes valid EMF with the stage as a dimension', async () => {
    const { lines } = await captureOutputJson(async () => {
      const metrics = createMetrics('load', 'staging');
      metrics.addMetric('RowsLoaded', MetricUnit.Count, 1200);
      metrics.publishStoredMetrics();
    });
    expect(emfMetrics(lines)).toEqual([
      { namespace: METRICS_NAMESPACE, name: 'RowsLoaded', unit: 'Count', value: 1200, dimensions: { service: 'load', stage: 'staging' } },
    ]);
  });
});

describe('BatchTally', () => {
  it('publishes in/ok/failed and processing time per pipeline, one EMF document each', async () => {
    const { lines } = await captureOutputJson(async () => {
      const tally = new BatchTally();
      tally.count('orders', 'ok', 10.4);
      tally.count('orders', 'failed', 5.2);
      tally.count('customers', 'ok', 1);
      tally.publish(createMetrics('transform', 'dev'));
    });
    const documents = lines.filter((line) => '_aws' in line);
    expect(documents).toHaveLength(2);
    const byPipeline = (pipeline: string) =>
      Object.fromEntries(
        emfMetrics(lines)
          .filter((m) => m.dimensions.pipeline === pipeline)
          .map((m) => [m.name, m.value]),
      );
    expect(byPipeline('orders')).toEqual({ RecordsIn: 2, RecordsOk: 1, RecordsFailed: 1, ProcessingTime: 16 });
    expect(byPipeline('customers')).toEqual({ RecordsIn: 1, RecordsOk: 1, RecordsFailed: 0, ProcessingTime: 1 });
    expect(emfMetrics(lines)[0]!.dimensions).toEqual({ service: 'transform', stage: 'dev', pipeline: 'orders' });
  });
});

describe('readEmf', () => {
  const valid = {
    _aws: {
      Timestamp: 1764211069000,
      CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['stage']], Metrics: [{ Name: 'X', Unit: 'Count' }] }],
    },
    stage: 'dev',
    X: 1,
  };

  it('accepts a well-formed document', () => expect(readEmf(valid)).toHaveLength(1));

  it.each([
    ['no _aws', { ...valid, _aws: undefined }, /missing _aws/],
    ['metric value missing', { ...valid, X: undefined }, /metric "X"/],
    ['dimension value missing', { ...valid, stage: undefined }, /dimension "stage"/],
    ['timestamp not integer', { ...valid, _aws: { ...valid._aws, Timestamp: 'now' } }, /Timestamp/],
  ])('rejects a document with %s', (_label, document, message) => {
    expect(() => readEmf(document as Record<string, unknown>)).toThrow(message);
  });
});
