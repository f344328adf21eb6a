export { loadBatch, ensureTables, committedWatermark } from './loadBatch';
export type { LoadBatchResult, LoadedFile } from './loadBatch';
export { loadStatements } from './loadSql';
export type { BatchInputs } from './loadSql';
export { METADATA_DDL, BATCH_FILE_COLUMNS } from './metadataTables';
export { runBatch, query, resultRows, waitForStatement, StatementFailed, StatementStillRunning } from './statementRunner';
export type { Warehouse, RunOptions } from './statementRunner';
