/**
 * Reads an environment variable the service's `serverless.yml` sets. A missing one is a
 * deployment mistake, reported by name rather than surfacing later as `undefined`.
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value)
    throw new Error(`environment variable ${name} is not set: it comes from the service's serverless.yml (functions.*.environment)`);
  return value;
}
