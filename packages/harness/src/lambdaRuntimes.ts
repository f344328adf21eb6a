/**
 * AWS Lambda's Node.js runtimes and the dates AWS retires them on, as the runtime table of
 * "Building Lambda functions with Node.js" gives them (read 2026-12-02). AWS has moved such
 * dates before: when it does, change them here — the template tests and `pnpm deploy:check`
 * read only this table.
 *
 * - `deprecated`: no more security patches.
 * - `blockCreate`: CreateFunction with this runtime is refused (a first deploy of a stage).
 * - `blockUpdate`: UpdateFunctionConfiguration / UpdateFunctionCode are refused (every deploy).
 */
export const NODE_RUNTIMES = {
  'nodejs18.x': { node: 18, deprecated: '2025-09-01', blockCreate: '2026-02-03', blockUpdate: '2026-03-09' },
  'nodejs20.x': { node: 20, deprecated: '2026-04-30', blockCreate: '2026-08-31', blockUpdate: '2026-09-30' },
  'nodejs22.x': { node: 22, deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs24.x': { node: 24, deprecated: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
} as const;

export type NodeRuntime = keyof typeof NODE_RUNTIMES;

/** How long before a runtime's block-create date a check starts failing: time to move to the next one. */
export const RUNTIME_WARNING_DAYS = 60;

const DAY_MS = 24 * 3600 * 1000;

/** The runtime with the latest block-create date: the one to move to. */
export function newestRuntime(): NodeRuntime {
  const runtimes = Object.keys(NODE_RUNTIMES) as NodeRuntime[];
  return runtimes.reduce((a, b) => (NODE_RUNTIMES[b].blockCreate > NODE_RUNTIMES[a].blockCreate ? b : a));
}

export function isNodeRuntime(runtime: string): runtime is NodeRuntime {
  return Object.hasOwn(NODE_RUNTIMES, runtime);
}

/**
 * What is wrong with deploying `runtime` on `today` (UTC day), worded for a person, or
 * `undefined` when it is fine for at least {@link RUNTIME_WARNING_DAYS} more days.
 *
 * @example
 * runtimeProblem('nodejs20.x', new Date('2026-12-02'))
 * // 'nodejs20.x: Lambda refuses to create functions on it since 2026-08-31 and to update them since 2026-09-30 …'
 */
export function runtimeProblem(runtime: string, today: Date): string | undefined {
  const move = `set provider.runtime to ${newestRuntime()}`;
  if (!isNodeRuntime(runtime))
    return `${runtime}: not a Node.js runtime this project knows (${Object.keys(NODE_RUNTIMES).join(', ')}): ${move}`;
  const { blockCreate, blockUpdate } = NODE_RUNTIMES[runtime];
  const day = today.toISOString().slice(0, 10);
  if (day >= blockUpdate)
    return `${runtime}: Lambda refuses to create functions on it since ${blockCreate} and to update them since ${blockUpdate}: ${move}`;
  if (day >= blockCreate)
    return `${runtime}: Lambda refuses to create functions on it since ${blockCreate} (a first deploy of a stage fails) and to update them from ${blockUpdate}: ${move}`;
  const daysLeft = Math.round((Date.parse(blockCreate) - Date.parse(day)) / DAY_MS);
  if (daysLeft <= RUNTIME_WARNING_DAYS)
    return `${runtime}: Lambda refuses to create functions on it from ${blockCreate}, ${daysLeft} days from ${day}: ${move}`;
  return undefined;
}

/** The esbuild target that matches a runtime (`nodejs24.x` → `node24`). */
export function esbuildTarget(runtime: NodeRuntime): string {
  return `node${NODE_RUNTIMES[runtime].node}`;
}
