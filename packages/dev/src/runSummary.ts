import { rowChecks } from '@etl/warehouse';
import type { RunRows } from '@etl/warehouse';

/**
 * The summary's row lines: each indented block adds up to the line above it, and the two
 * checks say so. `rejectsByRule` goes under the rejected rows, largest first.
 */
export function rowLines(rows: RunRows, rejectsByRule: Record<string, number>, extractedNote = ''): string[] {
  const pad = (label: string, value: string | number) => `  ${label.padEnd(42)} ${value}`;
  const checks = rowChecks(rows);
  const holds = (ok: boolean) => (ok ? 'holds' : 'DOES NOT HOLD');
  return [
    pad('rows extracted', `${rows.extracted}${extractedNote}`),
    pad('  transform: rejected (quarantined)', rows.rejected),
    ...Object.entries(rejectsByRule)
      .sort((a, b) => b[1] - a[1])
      .map(([rule, count]) => pad(`      ${rule}`, count)),
    pad('  transform: duplicates collapsed', rows.collapsedInTransform),
    pad('  transform: staged', rows.staged),
    pad('    load: duplicates collapsed', rows.collapsedInLoad),
    pad('    load: inserted', rows.inserted),
    pad('    load: updated', rows.updated),
    pad('check: extracted = rejected + dup + staged', holds(checks.transform)),
    pad('check: staged = dup + inserted + updated', holds(checks.load)),
  ];
}
