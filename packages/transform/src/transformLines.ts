import { ADDED_FIELDS_COLUMN, compileRowValidator, parseJsonExact, rowOrder, stagedColumns } from '@etl/pipeline-kit';
import type { Check, ColumnType, Pipeline, Rejection } from '@etl/pipeline-kit';
import { CSV_NULL, csvField, decodeUtf8KeepingBadBytes, firstBadUtf8Byte, parseCsvLine, textLineBatches } from '@etl/files';
import type { TextLine, TextSink } from '@etl/files';
import { DedupeBlock } from './dedupeBlock';

/** What happened to every row of a file: rowsIn = rowsStaged + rowsRejected + duplicatesCollapsed. */
export interface TransformCounts {
  rowsIn: number;
  rowsStaged: number;
  rowsRejected: number;
  duplicatesCollapsed: number;
  /** Rejected rows by the rule of their first rejection (`json`, `encoding`, `required`, `type`…). */
  rejectsByRule: Record<string, number>;
  /** Drift policy `add-columns`: the fields the schema does not know that staged rows carry, sorted. */
  addedFields: string[];
}

export interface TransformOptions {
  /** Written as the last CSV column (SOURCE_COLUMN): which staged file a row came from, for the load's accounting. */
  sourceTag: string;
  /** Rows held at a time for deduplication on the primary key (bounded memory); duplicates further apart are collapsed by the load. */
  dedupeBlockRows?: number;
  /** Every number in the file is a double's shortest text (the raw file says so): plain `JSON.parse`, no search for longer ones. */
  plainNumbers?: boolean;
}

/**
 * Whether a column's values can need CSV quoting: only text can (numbers, dates and timestamps in
 * canonical form never do), and not text a check limits to codes or to listed values that need none.
 */
function mayNeedQuoting({ type, check }: { type: ColumnType; check?: Check }): boolean {
  if (type.kind !== 'varchar' && type.kind !== 'char') return false;
  if (check === 'iso4217' || check === 'iso3166-alpha2') return false; // upper-case letters
  if (check !== undefined && 'oneOf' in check) return check.oneOf.some((value) => csvField(value) !== value);
  return true;
}

/** A quarantined row: where it was, why, and what it was. */
interface QuarantineRecord {
  line: number;
  rejections: Rejection[];
  raw?: string;
  raw_base64?: string;
}

/**
 * The transform of one file, streaming: each line is checked for UTF-8, parsed as JSON,
 * validated and coerced by the pipeline's schema, derived columns computed; rows are deduplicated
 * on the primary key within blocks (by the pipeline's row order — see rowOrder.ts — else the later wins); good rows go
 * to `staged` as COPY-ready CSV (under drift policy `add-columns` with one more column, the
 * fields the schema does not know as a JSON object), rejected rows with every reason to `quarantine` as JSON Lines.
 * Memory holds one block of rows, whatever the file size.
 */
export async function transformLines(
  pipeline: Pipeline,
  /** The file's bytes, decompressed: JSON Lines. */
  input: AsyncIterable<Buffer>,
  sinks: { staged: TextSink; quarantine: TextSink },
  { sourceTag, dedupeBlockRows = 20_000, plainNumbers = false }: TransformOptions,
): Promise<TransformCounts> {
  const validate = compileRowValidator(pipeline);
  const keyIndexes = pipeline.target.primaryKey.map((key) => pipeline.columnNames.indexOf(key));
  const rankIndex = pipeline.newestWins ? pipeline.columnNames.indexOf(pipeline.newestWins) : -1;
  const columns: Record<string, { type: ColumnType; check?: Check }> = { ...pipeline.target.columns, ...pipeline.target.derived };
  const mayNeedQuotes = pipeline.columnNames.map((name) => mayNeedQuoting(columns[name]!));
  const tag = csvField(sourceTag);
  const counts: TransformCounts = { rowsIn: 0, rowsStaged: 0, rowsRejected: 0, duplicatesCollapsed: 0, rejectsByRule: {}, addedFields: [] };
  // the staged file's columns (stagedColumns, which the load COPYs by): the values, under drift
  // policy add-columns the row's added fields as a JSON object, then the source tag
  const layout = stagedColumns(pipeline);
  const addsColumns = layout.includes(ADDED_FIELDS_COLUMN);
  const addedFields = new Set<string>();

  // versions of a key: the pipeline's row order (newest, then content), as the load ranks them; without one, the later row
  const order = rowOrder(pipeline);
  const block = new DedupeBlock(
    order
      ? { compareRanks: order.compareRank, compareLines: (a, b) => order.compare(parseCsvLine(a), parseCsvLine(b)) }
      : { compareRanks: () => 1 },
  );
  // a block's bytes are reused by the block after next: hand one over once the sink is done with the one before
  let handedOver: Promise<void> | undefined;
  const handOver = async () => {
    await handedOver;
    handedOver = sinks.staged.writeBytes(block.take());
    handedOver.catch(() => undefined); // a write error surfaces where it is awaited (next hand-over, or the end)
  };

  const reject = async (line: TextLine, rejections: Rejection[]) => {
    counts.rowsRejected++;
    const rule = rejections[0]!.rule;
    counts.rejectsByRule[rule] = (counts.rejectsByRule[rule] ?? 0) + 1;
    const record: QuarantineRecord = { line: line.number, rejections };
    if (line.text !== undefined) record.raw = line.text;
    else record.raw_base64 = line.bytes.toString('base64');
    await sinks.quarantine.write(`${JSON.stringify(record)}\n`);
  };

  for await (const batch of textLineBatches(input)) {
    for (const line of batch) {
      counts.rowsIn++;
      let record: unknown;
      try {
        // a byte that is not UTF-8 is kept as an escape, so the value holding it is refused naming the
        // field, the byte and its place — as for an API's page (decodeUtf8KeepingBadBytes)
        const text = line.text ?? decodeUtf8KeepingBadBytes(line.bytes);
        record = plainNumbers ? JSON.parse(text) : parseJsonExact(text);
      } catch (error) {
        await reject(line, [{ field: '(line)', value: null, rule: 'json', message: `not valid JSON: ${(error as Error).message}` }]);
        continue;
      }
      const result = validate(record);
      if (!result.ok) {
        await reject(line, result.rejections);
        continue;
      }
      if (line.text === undefined) {
        // every text value is checked, so this is a safety net: a bad byte never reaches the table
        await reject(line, [{ field: '(line)', value: null, rule: 'encoding', message: badByteMessage(line.bytes) }]);
        continue;
      }
      const values = result.values;
      let key = values[keyIndexes[0]!]!;
      for (let i = 1; i < keyIndexes.length; i++) key += `\u0001${values[keyIndexes[i]!]}`;
      const rank = rankIndex >= 0 ? values[rankIndex]! : null;
      // the row's CSV line, made by one join (not a string per field): values become their CSV text in place
      for (let i = 0; i < values.length; i++) {
        const value = values[i]!;
        values[i] = value === null ? CSV_NULL : mayNeedQuotes[i] ? csvField(value) : value;
      }
      if (addsColumns) {
        const added = result.added;
        if (added) for (const name of added.names) addedFields.add(name);
        values.push(added ? csvField(added.json) : CSV_NULL);
      }
      values.push(tag);
      if (values.length !== layout.length)
        throw new Error(`a staged row of ${values.length} fields, not the ${layout.length} of ${layout.join(', ')}`);
      if (!block.add(key, rank, values.join(','))) counts.duplicatesCollapsed++;
      if (block.rows >= dedupeBlockRows) await handOver();
    }
  }
  await handOver();
  await handedOver;
  counts.rowsStaged = counts.rowsIn - counts.rowsRejected - counts.duplicatesCollapsed;
  counts.addedFields = [...addedFields].sort();
  return counts;
}

/** Where a line's first byte that is not UTF-8 is, in the words the coercers use for a value. */
function badByteMessage(bytes: Buffer): string {
  const bad = firstBadUtf8Byte(bytes);
  return bad
    ? `the line holds the byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}, which is not UTF-8, at byte ${bad.at + 1}`
    : 'the line is not valid UTF-8';
}
