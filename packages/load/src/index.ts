export { AddedColumnConflict, loadBatch, ensureTables } from './loadBatch';
export type { LoadBatchResult, LoadedFile } from './loadBatch';
export { loadStatements } from './loadSql';
export type { AddedColumns, BatchInputs } from './loadSql';
export { BATCH_FILE_COLUMNS } from './metadataTables';
export { maintainTables } from './maintenance';
export type { MaintainedTable } from './maintenance';
