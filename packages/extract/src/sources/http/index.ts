import { cursorToIso } from '../../extractRun';
import { ENV_NAME, locationValue } from '../sourceKind';
import type { SourceKind } from '../sourceKind';
import type { HttpSource } from './definition';
import { httpRecords } from './httpSource';

const positive = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 1);

/** An HTTP JSON API: planned runs on the `extract` queue, its URL per stage from a param. */
export const httpKind: SourceKind<HttpSource> = {
  kind: 'http',
  scaffoldName: 'http',
  label: 'API',
  queue: 'extract',
  location: {
    env: (source) => source.urlEnv,
    accepts: /^https?:\/\//,
    expected: 'an HTTP API: --source-url must start with http:// or https://',
    example: 'https://…',
    deployed: 'url',
  },
  problems: (source, pipeline) => [
    ...(ENV_NAME.test(source.urlEnv) ? [] : [`source.urlEnv "${source.urlEnv}" is not an environment variable name (A-Z, 0-9, _)`]),
    ...(source.itemsField ? [] : ['source.itemsField is empty: name the field of each page that holds the items']),
    ...(source.pagination.type === 'page' && !positive(source.pagination.pageSize)
      ? [`source.pagination.pageSize ${source.pagination.pageSize}: a whole number ≥ 1`]
      : []),
    ...(positive(source.concurrency) ? [] : [`source.concurrency ${source.concurrency}: a whole number ≥ 1`]),
    ...(source.cursorParam && !pipeline.incremental ? ['source.cursorParam needs incremental.cursor: it sends the watermark'] : []),
  ],
  records: ({ pipeline, source, task, retry, env }) =>
    httpRecords(source, { url: locationValue(pipeline.name, source.urlEnv, env), since: cursorToIso(task.since), retry }),
  scaffold: (name) => ({
    source: {
      kind: 'http',
      urlEnv: `${name.toUpperCase()}_API_URL`,
      itemsField: 'items',
      pagination: { type: 'cursor', cursorParam: 'cursor', nextCursorField: 'next_cursor' },
      cursorParam: 'updated_since',
    },
    comments: { itemsField: 'the field of each page that holds the records', cursorParam: 'the watermark is sent as ?updated_since=…' },
  }),
};
