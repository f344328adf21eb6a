import { compareTables } from './tableDiff';

describe('compareTables', () => {
  const expected = [
    ['a', '1'],
    ['b', '2'],
    ['c', '3'],
  ];

  it('finds nothing between equal tables, whatever their order', () => {
    expect(compareTables(expected, [...expected].reverse())).toEqual({ lost: 0, duplicated: 0, invented: 0, changed: 0 });
  });

  it('counts lost, duplicated, invented and changed rows apart', () => {
    const actual = [
      ['a', '1'],
      ['a', '1'],
      ['b', '20'],
      ['x', '9'],
    ];
    expect(compareTables(expected, actual)).toEqual({ lost: 1, duplicated: 1, invented: 1, changed: 1 });
  });

  it('tells "" from NULL: a value that changed between them is changed', () => {
    expect(compareTables([['a', '']], [['a', 'NULL']]).changed).toBe(1);
  });
});
