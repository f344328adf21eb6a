import { rowChecks } from '@etl/warehouse';
import { rowLines } from './runSummary';

// a run whose load collapsed duplicates that the transform could not see (in different files)
const rows = {
  extracted: 20_000,
  rejected: 374,
  collapsedInTransform: 900,
  staged: 18_726,
  collapsedInLoad: 119,
  inserted: 18_500,
  updated: 107,
  collapsed: 1_019,
};

describe('rowLines', () => {
  it('shows each stage on lines that add up, with the load-collapsed rows under staged', () => {
    const lines = rowLines(rows, { type: 300, length: 74 });
    const value = (label: string) =>
      Number(
        lines
          .find((l) => l.trimStart().startsWith(label))!
          .trim()
          .split(/\s+/)
          .pop(),
      );
    expect(value('transform: rejected') + value('transform: duplicates') + value('transform: staged')).toBe(value('rows extracted'));
    expect(value('load: duplicates') + value('load: inserted') + value('load: updated')).toBe(value('transform: staged'));
    expect(value('type') + value('length')).toBe(value('transform: rejected'));
    expect(lines.filter((l) => l.includes('check:'))).toEqual([expect.stringMatching(/holds$/), expect.stringMatching(/holds$/)]);
  });

  it('says when a stage does not add up', () => {
    expect(rowChecks({ ...rows, inserted: 18_499 })).toEqual({ transform: true, load: false });
    expect(rowLines({ ...rows, rejected: 373 }, {}).find((l) => l.includes('check: extracted'))).toMatch(/DOES NOT HOLD$/);
  });
});
