/**
 * `pnpm cost <pipeline> [--stage prod] [--rows 200000]`
 *
 * The modelled cost per million source rows, end to end, of a stage as configured: each worker
 * measured on a representative batch (as `pnpm tune` does), priced at the memory its service's
 * serverless.yml gives the stage. Counts Lambda duration and requests, and the S3 and SQS
 * requests the workers make; not the warehouse's compute, storage, data transfer or logs.
 */
import { parseArgs } from 'node:util';
import { stageParams } from '@etl/harness';
import { modelTiers } from '../src/lambdaModel';
import { measureStages } from '../src/measureStages';
import { requestCost } from '../src/lambdaModel';
import { PRICES } from '../src/prices';
import { describeInvocation, usd } from '../src/report';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { stage: { type: 'string', default: 'prod' }, rows: { type: 'string', default: '200000' } },
});
const pipeline = positionals[0] ?? 'orders';
const stage = values.stage;

(async () => {
  const invocations = await measureStages({ pipeline, rows: Number(values.rows), log: console.log });
  console.log(
    `\n${pipeline}, stage ${stage}: modelled cost per 1,000,000 source rows (Lambda arm64, ${PRICES.region} list prices of ${PRICES.asOf})`,
  );
  console.log(
    `  ${'worker'.padEnd(26)} ${'memory'.padStart(9)} ${'duration'.padStart(9)} ${'Lambda'.padStart(9)} ${'S3 + SQS'.padStart(9)} ${'total'.padStart(9)}`,
  );
  let total = 0;
  const rows = [];
  for (const m of invocations) {
    const memoryMb = Number(stageParams(m.service, stage).memorySize);
    const [tier] = modelTiers(m, { tiers: [memoryMb] });
    const perMillion = 1e6 / m.rows;
    const requests = requestCost(m.requests) * perMillion;
    const lambda = tier!.costPerMillionRows - requests;
    total += tier!.costPerMillionRows;
    rows.push({
      worker: `${m.service}/${m.fn}`,
      memoryMb,
      durationMs: tier!.durationMs,
      lambda,
      requests,
      total: tier!.costPerMillionRows,
      fits: tier!.fits,
    });
    console.log(
      `  ${`${m.service}/${m.fn}`.padEnd(26)} ${`${memoryMb} MB`.padStart(9)} ${`${(tier!.durationMs / 1000).toFixed(2)} s`.padStart(9)} ${usd(lambda).padStart(9)} ${usd(requests).padStart(9)} ${usd(tier!.costPerMillionRows).padStart(9)}${tier!.fits ? '' : '  (below peak RSS × 1.2!)'}`,
    );
  }
  console.log(
    `  ${'end to end'.padEnd(26)} ${''.padStart(9)} ${''.padStart(9)} ${''.padStart(9)} ${''.padStart(9)} ${usd(total).padStart(9)}`,
  );
  for (const m of invocations) console.log(`  · ${describeInvocation(m)}`);
  console.log(JSON.stringify({ cost: pipeline, stage, perMillionRows: total, workers: rows }));
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
