/** An HTTP JSON API read page by page. */
export interface HttpSource {
  kind: 'http';
  /** Env var holding the items endpoint's URL (set from the extract service's param of the same name in camelCase). */
  urlEnv: string;
  /** The field of each page's JSON object that holds the items array. */
  itemsField: string;
  pagination:
    | { type: 'page'; pageParam: string; sizeParam: string; pageSize: number }
    | { type: 'cursor'; cursorParam: string; nextCursorField: string };
  /** The query parameter the watermark is sent as, e.g. `updated_since`. */
  cursorParam?: string;
  /** Pages fetched ahead (page pagination). Default 1. */
  concurrency?: number;
}

declare module '@etl/pipeline-kit' {
  interface SourceKinds {
    http: HttpSource;
  }
}
