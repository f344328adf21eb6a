/** Files dropped under an S3 prefix (`landing/<…>/`), each extracted as it lands. */
export interface S3DropSource {
  kind: 's3-drop';
  prefix: string;
  /** For files whose name says neither: a `.csv` file is read as CSV, `.jsonl`/`.ndjson`/`.json` as JSON Lines (`.gz` too). */
  format: 'csv' | 'jsonl';
}

declare module '@etl/pipeline-kit' {
  interface SourceKinds {
    's3-drop': S3DropSource;
  }
}
