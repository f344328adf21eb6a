import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * CPU time of a process and everything it starts, read from /proc: every `intervalMs` the tree
 * under `root` is walked and each process's user + system time (threads included) noted; a
 * process that ends keeps its last reading (at most one interval short). Each process is put in
 * a group by its command line (`classify`), so a run's CPU splits into the local stack, the
 * services' workers and the orchestrating process. The reads themselves cost this process CPU;
 * when `root` is this process, that cost is measured and left out of its figure.
 */
export interface CpuWatch {
  /** CPU-seconds per group so far: subtract from `stop()`'s to leave out what came before (start-up). */
  mark(): Record<string, number>;
  /** CPU-seconds the meter's own /proc reads have cost this process so far (left out of every group). */
  meter(): number;
  /** Stops sampling; CPU-seconds per group and in all, and what the meter itself used (left out of the groups). */
  stop(): {
    groups: Record<string, number>;
    total: number;
    processes: { pid: number; command: string; cpuSeconds: number }[];
    meterSeconds: number;
  };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Reading {
  parent: number;
  /** the command name (`comm`) */
  name: string;
  /** user + system CPU seconds, its threads included */
  cpuSeconds: number;
  /** user + system CPU seconds of the children it has waited for (ended and reaped) */
  reapedSeconds: number;
}

/** pid → parent, name and CPU seconds, for every process now. */
function readProcesses(): Map<number, Reading> {
  const all = new Map<number, Reading>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name (field 2) may hold spaces and parentheses: fields count from its last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(entry), {
        parent: Number(fields[1]),
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
        reapedSeconds: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
      });
    } catch {
      // ended between readdir and read
    }
  }
  return all;
}

/** A process's command line, and the folder it runs in (`cwd=…` at the end). */
function commandLine(pid: number): string {
  try {
    return `${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')} cwd=${readlinkSync(`/proc/${pid}/cwd`)}`;
  } catch {
    return '';
  }
}

export function watchProcessTreeCpu(
  classify: (commandLine: string, pid: number) => string,
  root = process.pid,
  intervalMs = 200,
): CpuWatch {
  const last = new Map<number, { group: string; command: string; cpuSeconds: number }>();
  // the meter's own /proc reads (every process's stat file, 5 times a second) are this process's
  // CPU too: counted here and left out of the root's reading when the root is this process
  let meterSeconds = 0;
  const sample = () => {
    const before = process.cpuUsage();
    sampleTree();
    const used = process.cpuUsage(before);
    meterSeconds += (used.user + used.system) / 1e6;
  };
  const sampleTree = () => {
    const all = readProcesses();
    const children = new Map<number, number[]>();
    for (const [pid, { parent }] of all) children.set(parent, [...(children.get(parent) ?? []), pid]);
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      const reading = all.get(pid);
      if (reading) {
        const known = last.get(pid);
        const command = known?.command ?? commandLine(pid);
        const meter = pid === root && root === process.pid ? meterSeconds : 0;
        last.set(pid, { group: known?.group ?? classify(command, pid), command, cpuSeconds: reading.cpuSeconds - meter });
      }
      queue.push(...(children.get(pid) ?? []));
    }
  };
  const baseline = readProcesses().get(root)?.cpuSeconds ?? 0; // what the root spent before the watch began
  sample();
  const timer = setInterval(sample, intervalMs);
  const byGroup = () => {
    const groups: Record<string, number> = {};
    for (const [pid, { group, cpuSeconds }] of last) groups[group] = (groups[group] ?? 0) + cpuSeconds - (pid === root ? baseline : 0);
    return groups;
  };
  return {
    mark() {
      sample();
      return byGroup();
    },
    meter: () => meterSeconds,
    stop() {
      clearInterval(timer);
      sample();
      const groups = byGroup();
      const processes = [...last]
        .map(([pid, { command, cpuSeconds }]) => ({ pid, command, cpuSeconds: cpuSeconds - (pid === root ? baseline : 0) }))
        .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
      return { groups, total: Object.values(groups).reduce((a, b) => a + b, 0), processes, meterSeconds };
    },
  };
}

/**
 * Runs `work`, with how long it took and the CPU it used: this process's (all its threads: zlib's
 * and V8's GC threads too, a local stack or PGlite running here) and, with `serverCpu`
 * ({@link postgresServerCpu} on Postgres), the server's.
 */
export async function timedWithCpu<T>(
  work: () => Promise<T>,
  serverCpu: () => number | undefined = () => undefined,
): Promise<{ ms: number; cpuSeconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const server = serverCpu();
  const result = await work();
  const used = process.cpuUsage(cpu);
  const serverUsed = server === undefined ? 0 : serverCpu()! - server;
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuSeconds: (used.user + used.system) / 1e6 + serverUsed, result };
}

/**
 * CPU-seconds the local Postgres server has used so far: its postmaster's own time and that of the
 * children it has reaped (backends that ended), plus every live child's (backends, autovacuum,
 * WAL writer). The server is not started by the run, so the tree walk above does not see it; the
 * difference of two readings is what the run made it do. Undefined when no Postgres runs here.
 */
export function postgresServerCpu(): number | undefined {
  const all = readProcesses();
  const postmaster = [...all].find(([, p]) => p.name === 'postgres' && all.get(p.parent)?.name !== 'postgres');
  if (!postmaster) return undefined;
  let seconds = postmaster[1].cpuSeconds + postmaster[1].reapedSeconds;
  for (const { parent, cpuSeconds } of all.values()) if (parent === postmaster[0]) seconds += cpuSeconds;
  return seconds;
}
