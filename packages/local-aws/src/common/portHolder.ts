import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process listening on a local TCP port: its pid and command line. */
export interface PortHolder {
  pid: number;
  command: string[];
}

/** The socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is hex "ADDR:PORT"; state 0A is LISTEN; field 9 the socket's inode
      if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1]!.split(':').pop()!, 16) === port) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/**
 * The process listening on a local TCP port, as Linux's /proc tells it (the sockets of the
 * user's own processes); undefined where no process of theirs does, or on a system without /proc.
 * Used to say which local stack holds a port another one wants.
 */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}
