import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Which Lambda endpoint serves which functions locally, kept in `<dir>/lambda-endpoints.json`
 * by whoever runs the services (`LocalPipeline`), read by the stack when a bucket notification
 * names a function: `{ "etl-extract-dev": "http://127.0.0.1:3102" }` (functions are
 * `<service>-<stage>-<name>`). A file, because the stack outlives the services it serves.
 */
export const LAMBDA_ENDPOINTS_FILE = 'lambda-endpoints.json';

function read(dir: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path.join(dir, LAMBDA_ENDPOINTS_FILE), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

function write(dir: string, endpoints: Record<string, string>): void {
  const file = path.join(dir, LAMBDA_ENDPOINTS_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(endpoints, null, 2));
  renameSync(`${file}.tmp`, file); // a reader never sees half a file
}

/** Records that `serviceStage`'s functions (`etl-extract-dev-…`) are served at `endpoint`; undefined removes it. */
export function setLambdaEndpoint(dir: string, serviceStage: string, endpoint: string | undefined): void {
  const endpoints = read(dir);
  if (endpoint === undefined) delete endpoints[serviceStage];
  else endpoints[serviceStage] = endpoint;
  write(dir, endpoints);
}

/** The endpoint serving a function, or undefined while its service does not run. */
export function lambdaEndpointOf(dir: string, functionName: string): string | undefined {
  const [, endpoint] = Object.entries(read(dir)).find(([serviceStage]) => functionName.startsWith(`${serviceStage}-`)) ?? [];
  return endpoint;
}
