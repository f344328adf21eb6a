import type { ChildProcess } from 'node:child_process';

export interface StopOptions {
  signal?: NodeJS.Signals;
  /** SIGKILL after this long if the process has not exited. */
  graceMs?: number;
  /** Signal the child's process group (a child spawned `detached`), not only the child. */
  group?: boolean;
}

/**
 * Signals a child process and resolves once it has exited — so whatever it was writing (a
 * PGlite data folder, a port) is released before the caller removes or reuses it.
 */
export async function stopProcess(
  child: ChildProcess,
  { signal = 'SIGTERM', graceMs = 15_000, group = false }: StopOptions = {},
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (s: NodeJS.Signals) => {
    try {
      if (group) process.kill(-pid, s);
      else child.kill(s);
    } catch {
      // already gone
    }
  };
  send(signal);
  const timer = setTimeout(() => send('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Whether a process with this pid runs (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
