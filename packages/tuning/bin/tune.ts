/**
 * `pnpm tune <pipeline> [--rows 200000] [--strategy balanced] [--write-params <stage>]`
 *
 * Measures each worker on a representative batch on the local stack (see measureStages), models
 * every Lambda memory tier from 128 MB to 10,240 MB, and prints per stage the duration and cost
 * per million rows at each tier and the memory the `cost`, `speed` and `balanced` strategies
 * recommend. With --write-params, writes the chosen strategy's memory into each service's
 * `params.<stage>.memorySize` in its serverless.yml.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isScalar, parseDocument } from 'yaml';
import { serviceDir, stageParams } from '@etl/harness';
import { measureStages } from '../src/measureStages';
import { PRICES } from '../src/prices';
import { describeInvocation, tierTable } from '../src/report';
import type { Strategy } from '../src/lambdaModel';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rows: { type: 'string', default: '200000' },
    strategy: { type: 'string', default: 'balanced' },
    'write-params': { type: 'string' },
  },
});
const pipeline = positionals[0] ?? 'orders';
const strategy = values.strategy as Strategy;
if (!['cost', 'speed', 'balanced'].includes(strategy)) throw new Error(`--strategy must be cost, speed or balanced, not ${strategy}`);

(async () => {
  console.log(`tuning ${pipeline}: each worker once on a representative batch, in its own process, on the local stack`);
  const invocations = await measureStages({ pipeline, rows: Number(values.rows), log: console.log });
  console.log(`\nLambda arm64, ${PRICES.region} list prices of ${PRICES.asOf}; memory must exceed peak RSS × 1.2`);
  const chosen: Record<string, number> = {};
  for (const m of invocations) {
    console.log(`\n${describeInvocation(m)}`);
    const { lines, picks } = tierTable(m);
    for (const line of lines) console.log(line);
    const configured = ['dev', 'prod'].map((stage) => `${stage} ${stageParams(m.service, stage).memorySize} MB`).join(', ');
    console.log(
      `  recommended: cost ${picks.cost.memoryMb} MB · speed ${picks.speed.memoryMb} MB · balanced ${picks.balanced.memoryMb} MB (configured: ${configured})`,
    );
    chosen[m.service] = picks[strategy].memoryMb;
  }
  console.log(JSON.stringify({ tune: pipeline, strategy, invocations, chosen }));
  const stage = values['write-params'];
  if (stage) {
    for (const [service, memoryMb] of Object.entries(chosen)) {
      const file = path.join(serviceDir(service as 'extract' | 'transform' | 'load'), 'serverless.yml');
      const text = readFileSync(file, 'utf8');
      // replace the value's characters only, so the file's comments and layout stay as they are
      const node = parseDocument(text).getIn(['params', stage, 'memorySize'], true);
      if (!isScalar(node) || !node.range) throw new Error(`${file} has no params.${stage}.memorySize to write; add one first`);
      writeFileSync(file, `${text.slice(0, node.range[0])}${memoryMb}${text.slice(node.range[1])}`);
      console.log(`wrote params.${stage}.memorySize: ${memoryMb} (${strategy}) to ${path.relative(process.cwd(), file)}`);
    }
  }
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
