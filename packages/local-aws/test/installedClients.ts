import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** An executable on this machine and the client version it runs. */
export interface InstalledClient {
  path: string;
  version: string;
}

/**
 * Each version of a client this machine has, to run a conformance suite once per version: the
 * Debian executable `debian` first, then `name` in every PATH folder. `probe` are the arguments
 * that make it print its version; `read` turns that output (run successfully) into the version to show and the key
 * that tells versions apart (the first executable of each key is kept).
 */
export function installedClients(
  debian: string,
  name: string,
  probe: string[],
  read: (stdout: string, stderr: string) => { version: string; key: string } | undefined,
): InstalledClient[] {
  const candidates = [debian, ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, name))];
  const byKey = new Map<string, InstalledClient>();
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const result = spawnSync(candidate, probe, { encoding: 'utf8', timeout: 30_000 });
    const found = result.status === 0 ? read(result.stdout, result.stderr) : undefined;
    if (found && !byKey.has(found.key)) byKey.set(found.key, { path: candidate, version: found.version });
  }
  return [...byKey.values()];
}
