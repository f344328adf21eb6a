export { writeRawFile } from './rawFileWriter';
export { SourceItem, sourceValue } from './rawLine';
export type { RawFileTarget } from './rawFileWriter';
export { RawRunWriter } from './rawRunWriter';
export type { RawRunTarget } from './rawRunWriter';
export { writeRunManifest, readRunManifest, announcements } from './runManifest';
export { extractParts, extractRun, cursorToIso } from './extractRun';
export type { ExtractedParts, ExtractRunOptions } from './extractRun';
export { assembleRun, extractSlice } from './runSlices';
export type { SlicePosition } from './runSlices';
export { fanOutTask, planSlices, DEFAULT_MAX_TASKS } from './sources/sql/fanOut';
export { runExtractTask } from './extractTask';
export type { ExtractTaskOptions, ExtractTaskOutcome } from './extractTask';
export { sqlRunRecords, sqlSourceOf } from './sources/sql/sqlRunRecords';
export { DATABASE_DRIVERS } from './sources/sql/drivers';
export { httpRecords } from './sources/http/httpSource';
export type { HttpReadOptions } from './sources/http/httpSource';
export { fetchJson, HttpSourceError, UnexpectedPageError } from './sources/http/fetchJson';
export { announceRun, recordReplay } from './announceRun';
export { planRun, newRunId } from './planner';
export type { PlanOptions, PlanOutcome } from './planner';
export { cursorBoundaries, engineOf, mysqlUri, sqlRecords } from './sources/sql/sqlSource';
export type { SqlReadOptions } from './sources/sql/sqlSource';
export { connectionUrl } from './sources/sql/connectionUrl';
export {
  dropEntries,
  dropEntryOrigins,
  dropFormat,
  dropPlace,
  droppedFile,
  dropRunId,
  dropRecords,
  landingPrefix,
} from './sources/s3-drop/s3Drop';
export { csvHeaderError, csvHeaderOf, csvHeaderProblems, CsvHeaderError } from './sources/s3-drop/csvHeader';
export { backfillRange, belowCursor, canonicalCursor, cursorReader } from './cursorRange';
export {
  checkSources,
  invalidDefinitions,
  SOURCE_KINDS,
  sourceKinds,
  sourceParams,
  sourceKindOf,
  sourceProblems,
  pipelineLocation,
  locationParam,
  locationValue,
  SourceLocationMissing,
} from './sources';
export type {
  AnySourceKind,
  DatabaseDrivers,
  FanOutContext,
  HttpSource,
  PipelineLocation,
  ReadContext,
  S3DropSource,
  SourceConnection,
  SourceKind,
  SourceLocation,
  SqlSource,
} from './sources';
