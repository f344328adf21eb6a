export {
  execute,
  runBatch,
  query,
  queryTable,
  resultRows,
  streamQuery,
  waitForStatement,
  StatementFailed,
  StatementStillRunning,
} from './statementRunner';
export type { ResultStream, Warehouse, RunOptions, Value } from './statementRunner';
export {
  committedWatermark,
  LEDGER_DDL,
  recentRuns,
  rejectsByRule,
  rowChecks,
  runAccount,
  runFiles,
  runProgress,
  filesLoadedSince,
  stageSeconds,
  watermarks,
} from './ledger';
export type { LoadedFileListing, RowChecks, RunListing, RunRows, StageSeconds } from './ledger';
export { warehouseFromEnv } from './fromEnv';
export { isMissingTable } from './missingTable';
export { tableColumns } from './tableColumns';
export type { TableColumn } from './tableColumns';
