import { loadDefinitions } from '@etl/pipeline-kit';
import type { InvalidDefinition, Pipeline } from '@etl/pipeline-kit';

/**
 * Every pipeline of this deployment, by name: each definition's module is loaded on its own, so
 * one that does not parse or check is named (`invalidPipelines`, `etl check`) and the others still
 * run locally; packaging for a deploy refuses it. `etl new` adds a line here.
 */
const loaded = loadDefinitions({
  orders: () => (require('./orders') as typeof import('./orders')).orders,
  orders_db: () => (require('./orders') as typeof import('./orders')).ordersDb,
});

/** The pipelines whose definitions are valid, by name. */
export const pipelines: Readonly<Record<string, Pipeline>> = loaded.pipelines;

/** The registered definitions that are not valid, each with where and why. */
export const invalidPipelines: readonly InvalidDefinition[] = loaded.invalid;

/** A definition that is registered but not valid. */
export class InvalidPipelineError extends Error {
  override readonly name = 'InvalidPipelineError';
  constructor(readonly definition: InvalidDefinition) {
    super(
      `pipeline ${definition.name}${definition.where ? ` (${definition.where})` : ''} is not valid: ${definition.problems.join('; ')} — etl check lists every problem`,
    );
  }
}

/** @throws naming the known pipelines when `name` is not one, and the problems when its definition is invalid. */
export function pipelineNamed(name: string): Pipeline {
  const pipeline = pipelines[name];
  if (pipeline) return pipeline;
  const invalid = invalidPipelines.find((p) => p.name === name);
  if (invalid) throw new InvalidPipelineError(invalid);
  throw new Error(`no pipeline named "${name}" (known: ${Object.keys(pipelines).join(', ')})`);
}

// The sample pipelines (pnpm dev, the tests, the benches): orders from the sample shop's API and its database.
export const orders: Pipeline = pipelines.orders!;
export const ordersDb: Pipeline = pipelines.orders_db!;
export { sampleLines, sampleOrder, seededRandom, expectedOrdersTable, ORDERS_TABLE_QUERY } from './samples/ordersSample';
export type { SampleLine, SampleOrder } from './samples/ordersSample';
export { startOrdersApi } from './samples/ordersApi';
export type { ApiFault, OrdersApiOptions } from './samples/ordersApi';
