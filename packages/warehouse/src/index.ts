export { execute, runBatch, query, resultRows, waitForStatement, StatementFailed, StatementStillRunning } from './statementRunner';
export type { Warehouse, RunOptions } from './statementRunner';
export { committedWatermark, LEDGER_DDL, rejectsByRule, rowChecks, runAccount, runProgress } from './ledger';
export type { RowChecks, RunRows } from './ledger';
export { warehouseFromEnv } from './fromEnv';
export { isMissingTable } from './missingTable';
export { tableColumns } from './tableColumns';
export type { TableColumn } from './tableColumns';
