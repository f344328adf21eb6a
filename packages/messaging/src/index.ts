export { publishMessages, PublishRefused } from './publishMessages';
export type { PublishOptions } from './publishMessages';
export { chunkForBatches, MAX_BATCH_BYTES, MAX_ENTRIES_PER_BATCH } from './batches';
