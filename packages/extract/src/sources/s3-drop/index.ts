import type { SourceKind } from '../sourceKind';
import type { S3DropSource } from './definition';

/**
 * Files dropped under `landing/…/` in the data bucket: no planned runs — each file is a run,
 * started by the `dropped` function when the object lands (`dropRecords` reads it).
 */
export const s3DropKind: SourceKind<S3DropSource> = {
  kind: 's3-drop',
  scaffoldName: 'files',
  label: 'files',
  problems: (source) => [
    // the `dropped` function is only told of objects under landing/ (services/extract/serverless.yml)
    ...(/^landing\/([a-z0-9_-]+\/)+$/.test(source.prefix)
      ? []
      : [`source.prefix "${source.prefix}" must be a folder under landing/ (landing/<name>/): only files landing there are extracted`]),
    ...(['csv', 'jsonl'].includes(source.format) ? [] : [`source.format "${String(source.format)}": csv or jsonl`]),
  ],
  scaffold: (name) => ({
    source: { kind: 's3-drop', prefix: `landing/${name}/`, format: 'jsonl' },
    comments: { format: 'for files whose name says neither: a .csv file is read as CSV, .jsonl / .ndjson / .json as JSON Lines (.gz too)' },
  }),
};
