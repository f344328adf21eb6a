import { types } from './columnTypes';
import { definePipeline } from './definition';
import type { PipelineDefinition } from './definition';
import { loadDefinitions } from './definitions';

const valid: PipelineDefinition = {
  name: 'things',
  source: { kind: 's3-drop', prefix: 'landing/things/', format: 'jsonl' },
  target: { columns: { id: { type: types.integer(), nullable: false } }, primaryKey: ['id'] },
  write: 'merge',
  drift: 'quarantine',
};

describe('loadDefinitions', () => {
  it('keeps the valid definitions and names each invalid one, with where and every problem', () => {
    const loaded = loadDefinitions({
      things: () => definePipeline(valid),
      wrong: () => definePipeline({ ...valid, name: 'wrong', target: { ...valid.target, primaryKey: ['nope'] } }),
      broken: () => {
        // what esbuild-register throws for a module that does not parse
        throw new Error(
          'Transform failed with 1 error:\n/work/repo/packages/pipelines/src/broken.ts:35:16: ERROR: Expected identifier but found ","',
        );
      },
    });
    expect(Object.keys(loaded.pipelines)).toEqual(['things']);
    expect(loaded.invalid).toEqual([
      // its stack names no file under packages/pipelines/ here, so no where
      { name: 'wrong', problems: ['primaryKey "nope" is not a source column'] },
      {
        name: 'broken',
        where: 'packages/pipelines/src/broken.ts:35',
        problems: ['does not parse: Expected identifier but found ","'],
        doesNotParse: true,
      },
    ]);
  });
});
