import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory in MB: VmHWM from /proc (Linux). Not getrusage's maxrss,
 * which keeps the parent's peak across fork + exec and so reports the parent's memory in a child.
 */
export function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
