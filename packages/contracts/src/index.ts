import { contract } from './parse';
import { rawFileReady, stagedFileReady } from './messages';
import type { RawFileReady, StagedFileReady } from './messages';

export { ContractViolation } from './errors';
export { contract, parseMessage, serializeMessage } from './parse';
export type { Contract } from './parse';
export { pipelineName, runId, rowAccounting } from './messages';
export type { RawFileReady, StagedFileReady, RowAccounting } from './messages';
export type { ObjectPointer } from './objectPointer';

/** The messages that move between stages, by the queue that carries them. */
export const contracts = {
  /** extract → `transform` queue */
  rawFileReady: contract<RawFileReady>('raw-file-ready', rawFileReady),
  /** transform → `load` queue */
  stagedFileReady: contract<StagedFileReady>('staged-file-ready', stagedFileReady),
} as const;
export { exampleRawFileReady, exampleStagedFileReady } from './examples';
