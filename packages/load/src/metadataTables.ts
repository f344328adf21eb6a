/** Columns of the per-batch file list COPYed next to the data (`manifests/<p>/<batch>.files.csv`), in order. */
export const BATCH_FILE_COLUMNS = [
  ['pipeline', 'VARCHAR(63)'],
  ['staged_key', 'VARCHAR(1024)'],
  ['run_id', 'VARCHAR(64)'],
  ['part', 'INTEGER'],
  ['run_parts', 'INTEGER'],
  ['cursor_high', 'VARCHAR(256)'],
  ['rows_in', 'BIGINT'],
  ['rows_rejected', 'BIGINT'],
  ['collapsed_in_transform', 'BIGINT'],
  ['rows_staged', 'BIGINT'],
  ['rejects_by_rule', 'VARCHAR(4096)'],
  ['raw_bytes', 'BIGINT'],
  ['staged_bytes', 'BIGINT'],
  ['extracted_at', 'TIMESTAMP'],
  ['transformed_at', 'TIMESTAMP'],
] as const;
