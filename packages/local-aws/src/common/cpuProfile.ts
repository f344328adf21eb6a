/**
 * `ETL_CPU_PROF=<dir>`: the local stack and the services started under serverless-offline write
 * V8 CPU profiles there when they exit (`--cpu-prof`, which Node 24 refuses in NODE_OPTIONS) —
 * to see where a local run's time goes (bench/README.md).
 */
export const CPU_PROFILE_ENV = 'ETL_CPU_PROF';

/** The node arguments that profile a child process, when `ETL_CPU_PROF` names a folder. */
export function cpuProfileArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = env[CPU_PROFILE_ENV];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
