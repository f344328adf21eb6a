export { execute, runBatch, query, resultRows, waitForStatement, StatementFailed, StatementStillRunning } from './statementRunner';
export type { Warehouse, RunOptions } from './statementRunner';
export { committedWatermark } from './watermark';
export { warehouseFromEnv } from './fromEnv';
export { isMissingTable } from './missingTable';
export { tableColumns } from './tableColumns';
export type { TableColumn } from './tableColumns';
