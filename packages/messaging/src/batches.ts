/** SQS limits for one SendMessageBatch call (AWS raised the payload limit to 1 MiB in 2025). */
export const MAX_ENTRIES_PER_BATCH = 10;
export const MAX_BATCH_BYTES = 1_048_576;

/**
 * Splits message bodies into SendMessageBatch-sized groups: at most 10 entries and at most
 * 1 MiB of UTF-8 body bytes per group, keeping order.
 *
 * @throws {RangeError} for a single body larger than the limit, naming its index.
 */
export function chunkForBatches(bodies: readonly string[], maxBytes = MAX_BATCH_BYTES, maxEntries = MAX_ENTRIES_PER_BATCH): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  bodies.forEach((body, index) => {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > maxBytes) throw new RangeError(`message ${index} is ${bytes} bytes, over the SQS limit of ${maxBytes}`);
    if (current.length === maxEntries || currentBytes + bytes > maxBytes) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += bytes;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
