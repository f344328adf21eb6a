export { openWarehouseDatabase } from './warehouse';
export type { WarehouseOptions } from './warehouse';
export { StatementRunner } from './statements';
export { createDataApiServer } from './dataApiServer';
export type { DataApiOptions } from './dataApiServer';
export type { Database } from './database';
