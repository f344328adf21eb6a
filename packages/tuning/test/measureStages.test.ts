import { measureStages } from '../src/measureStages';
import { modelTiers, recommend } from '../src/lambdaModel';

jest.setTimeout(120_000);

describe('measureStages on the local stack', () => {
  it('runs each deployed worker once in its own process and measures what it did', async () => {
    const invocations = await measureStages({ pipeline: 'orders', rows: 5_000 });
    expect(invocations.map((m) => `${m.service}/${m.fn}`)).toEqual([
      'extract/extractWorker',
      'transform/transformWorker',
      'load/loadWorker',
    ]);
    for (const m of invocations) {
      expect(m.rows).toBe(5_000); // every source row reaches every stage of a one-part run
      expect(m.wallMs).toBeGreaterThan(0);
      expect(m.cpuMs).toBeGreaterThan(0);
      expect(m.peakRssMb).toBeGreaterThan(30);
      expect(m.requests.sqs).toBeGreaterThanOrEqual(2);
      expect(m.requests.s3Write).toBeGreaterThan(0);
      expect(recommend(modelTiers(m), 'balanced').fits).toBe(true);
    }
    expect(invocations[1]!.requests.s3Read).toBeGreaterThan(0); // the transform reads its raw file
  });

  it('names the pipelines it can measure', async () => {
    await expect(measureStages({ pipeline: 'invoices', rows: 10 })).rejects.toThrow('only "orders" has one');
  });
});
