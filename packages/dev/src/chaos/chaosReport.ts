import { FAULT_KINDS } from './chaosRun';
import type { SeedResult } from './chaosRun';

/** One line per seed: passed or what failed, its faults, its time. */
export function seedLine(result: SeedResult): string {
  const ok = result.problems.length === 0 && result.lost + result.duplicated + result.invented + result.changed === 0;
  const rows = `lost ${result.lost} · duplicated ${result.duplicated} · invented ${result.invented} · changed ${result.changed}`;
  const head = `${ok ? '✔' : '✘'} seed ${String(result.seed).padStart(3)}  ${result.seconds.toFixed(0).padStart(4)} s  ${rows}`;
  return [head, `    faults: ${result.schedule}`, ...result.problems.map((p) => `    ✘ ${p}`)].join('\n');
}

/** The suite's table: seeds, faults injected per kind, rows lost / duplicated / invented / changed, time. */
export function chaosTable(results: SeedResult[], wallSeconds: number): string {
  const passed = results.filter((r) => r.problems.length === 0 && r.lost + r.duplicated + r.invented + r.changed === 0).length;
  const sum = (pick: (r: SeedResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const row = (label: string, value: string | number) => `| ${label.padEnd(34)} | ${String(value).padStart(10)} |`;
  const lines = [
    row('', 'total'),
    `|${'-'.repeat(36)}|${'-'.repeat(12)}|`,
    row('seeds passed', `${passed} / ${results.length}`),
    ...FAULT_KINDS.map((kind) =>
      row(`faults: ${kind}`, `${sum((r) => r.faults[kind])} in ${results.filter((r) => r.faults[kind] > 0).length}`),
    ),
    row(
      'rows lost',
      sum((r) => r.lost),
    ),
    row(
      'rows duplicated',
      sum((r) => r.duplicated),
    ),
    row(
      'rows invented',
      sum((r) => r.invented),
    ),
    row(
      'rows changed',
      sum((r) => r.changed),
    ),
    row('seconds per seed (median)', median(results.map((r) => r.seconds)).toFixed(0)),
    row('wall time', `${(wallSeconds / 60).toFixed(1)} min`),
  ];
  return lines.join('\n');
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
