import type { Pipeline } from '@etl/pipeline-kit';
import { orders, ordersDb } from './orders';

export { orders, ordersDb };

/** Every pipeline of this deployment, by name. */
export const pipelines: Readonly<Record<string, Pipeline>> = { orders, orders_db: ordersDb };

/** @throws naming the known pipelines when `name` is not one. */
export function pipelineNamed(name: string): Pipeline {
  const pipeline = pipelines[name];
  if (!pipeline) throw new Error(`no pipeline named "${name}" (known: ${Object.keys(pipelines).join(', ')})`);
  return pipeline;
}
export { sampleLines, sampleOrder, seededRandom, expectedOrdersTable, ORDERS_TABLE_QUERY } from './samples/ordersSample';
export type { SampleLine, SampleOrder } from './samples/ordersSample';
export { startOrdersApi } from './samples/ordersApi';
export type { ApiFault, OrdersApiOptions } from './samples/ordersApi';
