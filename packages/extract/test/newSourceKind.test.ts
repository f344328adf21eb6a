import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@etl/harness';
import { scratchRepository } from '@etl/harness/testing';

/**
 * Adding a source kind, as a contributor would, in a scratch copy of this repository: a folder
 * for "a JSON file at a URL" and its entry in the registry — nothing else. The compiler refuses
 * the folder until it is registered; then `etl new` scaffolds a pipeline of the kind, `etl check`
 * accepts it, and `etl run` loads it end to end on the local stack (the extract service derives
 * the worker's variable from the definition: no serverless.yml edit).
 */
jest.setTimeout(10 * 60_000);

const KIND_DEFINITION = `/** A JSON array of records at a URL, read whole on every run. */
export interface JsonUrlSource {
  kind: 'json-url';
  /** Env var holding the file's URL. */
  urlEnv: string;
}

declare module '@etl/pipeline-kit' {
  interface SourceKinds {
    'json-url': JsonUrlSource;
  }
}
`;

const KIND_INDEX = `import { withNumbers } from '../../sourceRecords';
import { fetchJson } from '../http/fetchJson';
import { ENV_NAME, locationValue } from '../sourceKind';
import type { SourceKind } from '../sourceKind';
import type { JsonUrlSource } from './definition';

export const jsonUrlKind: SourceKind<JsonUrlSource> = {
  kind: 'json-url',
  scaffoldName: 'json-url',
  label: 'JSON file',
  queue: 'extract',
  location: {
    env: (source) => source.urlEnv,
    accepts: /^https?:\\/\\//,
    expected: 'a JSON file: --source-url must start with http:// or https://',
    example: 'https://…/records.json',
    deployed: 'url',
  },
  problems: (source) => (ENV_NAME.test(source.urlEnv) ? [] : [\`source.urlEnv "\${source.urlEnv}" is not an environment variable name\`]),
  records: ({ pipeline, source, retry, env }) => {
    let inexact = false;
    async function* items() {
      const document = await fetchJson(locationValue(pipeline.name, source.urlEnv, env), retry, undefined, () => (inexact = true));
      if (!Array.isArray(document)) throw new Error(\`pipeline \${pipeline.name}: the file at \${source.urlEnv} is not a JSON array\`);
      yield* document;
    }
    return withNumbers(items(), () => (inexact ? undefined : 'plain'));
  },
  scaffold: (name) => ({ source: { kind: 'json-url', urlEnv: \`\${name.toUpperCase()}_URL\` } }),
};
`;

const REGISTRY = 'packages/extract/src/sources/index.ts';

describe('a new source kind in a scratch copy', () => {
  const repo = scratchRepository('etl-new-kind-');
  const scratch = repo.root;
  const { etl, git } = repo;
  const tsc = () =>
    promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.check.json'], {
      cwd: scratch,
    }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );

  const records = Array.from({ length: 40 }, (_, i) => ({
    id: `r-${i}`,
    name: `record ${i}`,
    amount: `${i}.${String(i % 100).padStart(2, '0')}`,
    updated_at: `2026-12-01T10:${String(i).padStart(2, '0')}:00Z`,
  }));
  const file = createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(records)));

  beforeAll(async () => {
    // the sources the kind reaches, the pipelines and the extract service: enough for the compiler to see every use
    writeFileSync(
      path.join(scratch, 'tsconfig.check.json'),
      JSON.stringify({
        extends: './tsconfig.base.json',
        compilerOptions: { noEmit: true },
        include: ['packages/extract/src/**/*.ts', 'packages/pipelines/src/**/*.ts', 'services/extract/src/**/*.ts'],
      }),
    );
    git('add', 'tsconfig.check.json');
    git('commit', '-qm', 'what tsc checks');
    await new Promise<void>((resolve) => file.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => file.close(resolve));
    await repo.remove();
  });

  it('is refused by the compiler until registered, then touches only its folder and the registry', async () => {
    mkdirSync(path.join(scratch, 'packages/extract/src/sources/json-url'));
    writeFileSync(path.join(scratch, 'packages/extract/src/sources/json-url/definition.ts'), KIND_DEFINITION);
    writeFileSync(path.join(scratch, 'packages/extract/src/sources/json-url/index.ts'), KIND_INDEX);
    expect(await tsc()).toMatch(/sources\/index\.ts\(\d+,\d+\): error TS\d+: Property ''json-url'' is missing/);

    const registry = readFileSync(path.join(scratch, REGISTRY), 'utf8');
    writeFileSync(
      path.join(scratch, REGISTRY),
      registry
        .replace("import { httpKind } from './http';", "import { httpKind } from './http';\nimport { jsonUrlKind } from './json-url';")
        .replace("  's3-drop': s3DropKind,\n", "  's3-drop': s3DropKind,\n  'json-url': jsonUrlKind,\n"),
    );
    expect(await tsc()).toBe('');
    expect(git('status', '--porcelain', '--untracked-files=all').split('\n').sort()).toEqual(
      [
        ` M ${REGISTRY}`,
        '?? packages/extract/src/sources/json-url/definition.ts',
        '?? packages/extract/src/sources/json-url/index.ts',
      ].sort(),
    );
  });

  it('is scaffolded by etl new, accepted by etl check and loaded by etl run, with no edit outside the pipelines', async () => {
    const made = await etl('new', 'sensor_feed', '--source', 'json-url');
    expect(made.stdout).toMatch(/--param sensorFeedUrl=https:\/\/…\/records\.json/);
    expect((await etl('check')).stdout).toMatch(/sensor_feed +│ json-url +│ public\.sensor_feed/);

    const url = `http://127.0.0.1:${(file.address() as AddressInfo).port}/records.json`;
    const run = JSON.parse((await etl('--json', 'run', 'sensor_feed', '--free-ports', '--once', '--source-url', url)).stdout) as {
      rows: { extracted: number; inserted: number };
    };
    expect(run.rows).toMatchObject({ extracted: 40, inserted: 40 });
    const table = JSON.parse(
      (await etl('--json', 'query', 'SELECT id, amount, updated_at FROM public.sensor_feed ORDER BY id')).stdout,
    ) as string[][];
    expect(table).toHaveLength(40);
    expect(table[1]).toEqual(['r-1', '1.01', '2026-12-01 10:01:00']);

    const changed = repo.changedFiles();
    expect(changed.filter((f) => !f.startsWith('packages/extract/src/sources/') && !f.startsWith('packages/pipelines/src/'))).toEqual([]);
  });
});
