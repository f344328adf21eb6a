/**
 * A source's records, and — asked once they are read — whether every number they held is a
 * double's shortest text (`plain`: the transform then parses the raw lines with plain
 * `JSON.parse`), as the source knows it. Undefined, or no `numbers`: not known, so the transform
 * reads each number from its text.
 *
 * `batches`, where a source has its records in batches (an API's page, a query's page of rows):
 * the same records a batch at a time, read instead of one by one — an async iterator's step costs
 * a promise and a turn of the event loop, ~0.4 µs, which a million records a run feel.
 */
export type SourceRecords = AsyncIterable<unknown> & {
  numbers?: () => 'plain' | undefined;
  batches?: () => AsyncIterable<readonly unknown[]>;
};

/** Records that say what their source knows of their numbers (see {@link SourceRecords}). */
export function withNumbers(records: AsyncIterable<unknown>, numbers: () => 'plain' | undefined): SourceRecords {
  return Object.assign(records, { numbers });
}

/**
 * The records of `batches`, read one way: one by one, or whole batches by `batches()` (the same
 * iterator: what one reading takes, the other does not see).
 */
export function batchedRecords<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> & SourceRecords {
  async function* oneByOne(): AsyncGenerator<T> {
    for await (const batch of batches) yield* batch;
  }
  return Object.assign(oneByOne(), { batches: () => batches });
}

/**
 * Hands each record to `take`, a batch at a time where the source has batches, else one by one
 * straight from the source (no wrapper between: a layer of async iteration costs as much again);
 * waits only when `take` returns a promise (a file that pushes back).
 */
export async function eachRecord(records: SourceRecords, take: (record: unknown) => Promise<void> | undefined): Promise<void> {
  const batches = records.batches?.();
  if (batches) {
    for await (const batch of batches)
      for (const record of batch) {
        const taking = take(record);
        if (taking) await taking;
      }
    return;
  }
  for await (const record of records) {
    const taking = take(record);
    if (taking) await taking;
  }
}

/** A source's records a batch at a time: its own batches, else each record on its own. */
export async function* recordBatches(records: SourceRecords): AsyncGenerator<readonly unknown[]> {
  if (records.batches) {
    yield* records.batches();
    return;
  }
  for await (const record of records) yield [record];
}
