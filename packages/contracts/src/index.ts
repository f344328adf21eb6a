import { contract } from './parse';
import {
  extractTask,
  loadReport,
  rawFileReady,
  runManifest,
  runRef,
  runReplay,
  runWaiting,
  sliceManifest,
  slicePlan,
  stagedFileReady,
} from './messages';
import type {
  ExtractTask,
  LoadReport,
  RawFileReady,
  RunManifest,
  RunRef,
  RunReplay,
  RunWaiting,
  SliceManifest,
  SlicePlan,
  StagedFileReady,
} from './messages';

export { ContractViolation, EtlError } from './errors';
export type { RetryClass } from './errors';
export { contract, parseMessage, serializeMessage } from './parse';
export type { Contract } from './parse';
export { pipelineName, runId, rowAccounting, runInfo } from './messages';
export type {
  ExtractTask,
  LoadReport,
  RawFileReady,
  RunRef,
  RunWaiting,
  RunReplay,
  RunInfo,
  RawPart,
  RunOrigin,
  RunManifest,
  RunSlice,
  SliceManifest,
  SlicePlan,
  StagedFileReady,
  RowAccounting,
} from './messages';
export type { ObjectPointer } from './objectPointer';

/** The messages that move between stages, by the queue that carries them. */
export const contracts = {
  /** planner → `extract` queue */
  extractTask: contract<ExtractTask>('extract-task', extractTask),
  /** extract → `transform` queue */
  rawFileReady: contract<RawFileReady>('raw-file-ready', rawFileReady),
  /** transform → `load` queue */
  stagedFileReady: contract<StagedFileReady>('staged-file-ready', stagedFileReady),
  /** input of extract's `publishRun` */
  runRef: contract<RunRef>('run-ref', runRef),
  /** `state/runs/<pipeline>/<runId>.json` */
  runManifest: contract<RunManifest>('run-manifest', runManifest),
  /** `state/runs/<pipeline>/<runId>/slice-<i>.json` */
  sliceManifest: contract<SliceManifest>('slice-manifest', sliceManifest),
  /** `state/runs/<pipeline>/<runId>/slices.json` */
  slicePlan: contract<SlicePlan>('slice-plan', slicePlan),
  /** `state/runs/<pipeline>/<runId>/load-<batchId>.json` */
  loadReport: contract<LoadReport>('load-report', loadReport),
  /** `state/waiting/<pipeline>/<runId>/<service>.json` */
  runWaiting: contract<RunWaiting>('run-waiting', runWaiting),
  /** `state/replays/<pipeline>/<runId>/<time>.json` */
  runReplay: contract<RunReplay>('run-replay', runReplay),
} as const;
export { exampleRawFileReady, exampleStagedFileReady } from './examples';
export { dataKeys, parseRawKey, makeRunId, replayRunOf, runIdTime } from './dataKeys';
export { AWS_CALLS } from './awsCalls';
export { EXTRACT_QUEUES, WORK_QUEUES, workQueueName } from './queues';
export type { ExtractQueue, WorkQueue } from './queues';
export type { AwsCall, CallTarget, FunctionCalls } from './awsCalls';
