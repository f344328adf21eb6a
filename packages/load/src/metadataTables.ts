/**
 * The warehouse tables the pipeline keeps about itself, in Redshift DDL:
 * - `etl_load_files`: one row per staged file loaded, with every row of it accounted for
 *   (rows_in = rows_rejected + collapsed_in_transform + rows_staged, and
 *   rows_staged = rows_inserted + rows_updated + collapsed_in_load). A file is loaded once:
 *   a redelivered file finds its row here and loads nothing.
 * - `etl_watermarks`: per pipeline, the highest cursor value of runs loaded completely.
 * - `etl_runs`: per run, the sums of its files.
 */
export const METADATA_DDL = [
  `CREATE TABLE IF NOT EXISTS etl_load_files (
    pipeline VARCHAR(63) NOT NULL,
    run_id VARCHAR(64) NOT NULL,
    part INTEGER NOT NULL,
    staged_key VARCHAR(1024) NOT NULL,
    run_parts INTEGER NOT NULL,
    cursor_high VARCHAR(256),
    rows_in BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    collapsed_in_transform BIGINT NOT NULL,
    rows_staged BIGINT NOT NULL,
    rows_inserted BIGINT NOT NULL,
    rows_updated BIGINT NOT NULL,
    collapsed_in_load BIGINT NOT NULL,
    rejects_by_rule VARCHAR(4096),
    raw_bytes BIGINT,
    staged_bytes BIGINT,
    extracted_at TIMESTAMP,
    transformed_at TIMESTAMP,
    loaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (pipeline, staged_key)
  ) DISTSTYLE ALL SORTKEY (pipeline, run_id)`,
  `CREATE TABLE IF NOT EXISTS etl_watermarks (
    pipeline VARCHAR(63) NOT NULL,
    cursor_value VARCHAR(256),
    run_id VARCHAR(64),
    updated_at TIMESTAMP,
    PRIMARY KEY (pipeline)
  ) DISTSTYLE ALL`,
  `CREATE OR REPLACE VIEW etl_runs AS
    SELECT pipeline, run_id,
      MAX(run_parts) AS parts, COUNT(*) AS parts_loaded,
      SUM(rows_in)::BIGINT AS rows_extracted, SUM(rows_staged)::BIGINT AS rows_staged, SUM(rows_rejected)::BIGINT AS rows_rejected,
      SUM(collapsed_in_transform + collapsed_in_load)::BIGINT AS duplicates_collapsed,
      SUM(rows_inserted)::BIGINT AS rows_inserted, SUM(rows_updated)::BIGINT AS rows_updated,
      SUM(raw_bytes)::BIGINT AS raw_bytes, SUM(staged_bytes)::BIGINT AS staged_bytes,
      MIN(extracted_at) AS extracted_at, MAX(transformed_at) AS transformed_at, MAX(loaded_at) AS loaded_at,
      SUM(collapsed_in_transform)::BIGINT AS collapsed_in_transform, SUM(collapsed_in_load)::BIGINT AS collapsed_in_load
    FROM etl_load_files GROUP BY pipeline, run_id`,
];

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
