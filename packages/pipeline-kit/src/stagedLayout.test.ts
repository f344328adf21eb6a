import { types } from './columnTypes';
import { definePipeline } from './definition';
import { stagedColumns } from './stagedLayout';

const definition = {
  name: 'things',
  source: { kind: 's3-drop' as const, prefix: 'landing/things/', format: 'jsonl' as const },
  target: {
    columns: { id: { type: types.integer(), nullable: false }, label: { type: types.varchar(10) } },
    derived: {
      id_twice: {
        type: types.bigint(),
        compute: (row: Record<string, string | null>) => (row.id === null ? null : String(Number(row.id) * 2)),
      },
    },
    primaryKey: ['id'],
  },
  write: 'merge' as const,
};

describe('stagedColumns', () => {
  it('lists the columns in the staged CSV’s order: target, derived, the source file', () =>
    expect(stagedColumns(definePipeline({ ...definition, drift: 'quarantine' }))).toEqual(['id', 'label', 'id_twice', '_etl_source']));
  it('adds the added fields’ JSON before the source file under add-columns', () =>
    expect(stagedColumns(definePipeline({ ...definition, drift: 'add-columns' }))).toEqual([
      'id',
      'label',
      'id_twice',
      '_etl_added',
      '_etl_source',
    ]));
});
