import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellCommands } from '@etl/dev';

export type NewSource = 'http' | 'sql' | 'files';

export interface Scaffolded {
  /** Files written, relative to the root. */
  files: string[];
  /** What is left to do by hand, in order. */
  nextSteps: string[];
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function sourceBlock(name: string, source: NewSource): string {
  const env = name.toUpperCase();
  switch (source) {
    case 'http':
      return `{
    kind: 'http',
    urlEnv: '${env}_API_URL', // set from the extract service's param ${camel(name)}ApiUrl
    itemsField: 'items',
    pagination: { type: 'cursor', cursorParam: 'cursor', nextCursorField: 'next_cursor' },
    cursorParam: 'updated_since',
  }`;
    case 'sql':
      return `{
    kind: 'sql',
    connectionEnv: '${env}_DB_URL', // the URL from the extract service's param ${camel(name)}DbUrl
    table: '${name}',
  }`;
    case 'files':
      return `{
    kind: 's3-drop',
    prefix: 'landing/${name}/',
    format: 'jsonl', // for files whose name says neither: a .csv file is read as CSV, .jsonl / .ndjson / .json as JSON Lines (.gz too)
  }`;
  }
}

/**
 * `etl new <name> --source http|sql|files`: a pipeline definition to edit (`<name>.ts`), its test
 * (`<name>.test.ts`) and its entry in the pipelines' registry, under `<root>/packages/pipelines/src`.
 * Refuses a name that is not a pipeline name or is taken, and says what is left to do.
 */
export function scaffoldPipeline(root: string, name: string, source: NewSource): Scaffolded {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`"${name}" is not a pipeline name: 1–63 chars of a-z, 0-9 and _, starting with a letter`);
  const dir = path.join(root, 'packages/pipelines/src');
  const file = path.join(dir, `${name}.ts`);
  if (existsSync(file)) throw new Error(`${path.relative(root, file)} exists already: choose another name, or edit it`);
  const index = path.join(dir, 'index.ts');
  const registry = readFileSync(index, 'utf8');
  const entry = /export const pipelines: Readonly<Record<string, Pipeline>> = \{([^}]*)\};/.exec(registry);
  if (!entry) throw new Error(`${path.relative(root, index)}: no "export const pipelines … = { … };" to register ${name} in`);
  const id = camel(name);
  if (new RegExp(`\\b${name}\\b`).test(entry[1]!))
    throw new Error(`a pipeline named ${name} is registered already in ${path.relative(root, index)}`);

  writeFileSync(
    file,
    `import { definePipeline, types } from '@etl/pipeline-kit';

/** ${name}: describe where its rows come from and what they are. */
export const ${id} = definePipeline({
  name: '${name}',
  description: '${name}: merged on id; the newest updated_at wins.',
  source: ${sourceBlock(name, source)},
  target: {
    // the columns the source's records have: each is checked and coerced; others follow the drift policy
    columns: {
      id: { type: types.varchar(64), nullable: false },
      name: { type: types.varchar(256) },
      amount: { type: types.decimal(12, 2), check: { min: 0 } },
      updated_at: { type: types.timestamp(), nullable: false },
    },
    primaryKey: ['id'],
    sortKey: ['updated_at'],
  },
  write: 'merge',
  newestWins: 'updated_at',
  incremental: { cursor: 'updated_at', lookback: 3_600 }, // rows up to an hour late are still read
  drift: 'quarantine',${source === 'files' ? '' : "\n  schedule: 'rate(1 hour)',"}
});
`,
  );
  writeFileSync(
    path.join(dir, `${name}.test.ts`),
    `import { compileRowValidator } from '@etl/pipeline-kit';
import { ${id} } from './${name}';

describe('${name} pipeline', () => {
  const validate = compileRowValidator(${id});

  it('takes a record of the source as it is', () => {
    expect(validate({ id: 'a-1', name: 'first', amount: '12.50', updated_at: '2026-12-01T10:00:00Z' })).toMatchObject({ ok: true });
  });

  it('rejects what the definition does not allow, naming the field', () => {
    const result = validate({ id: 'a-2', amount: '-1', updated_at: '2026-12-01T10:00:00Z' });
    expect(result).toMatchObject({ ok: false, rejections: [expect.objectContaining({ field: 'amount', rule: 'range' })] });
  });
});
`,
  );
  const body = entry[1]!.trim();
  writeFileSync(
    index,
    registry
      .replace(entry[0], `export const pipelines: Readonly<Record<string, Pipeline>> = { ${body}${body ? ', ' : ''}${name}: ${id} };`)
      .replace(/((?:^import [^\n]+\n)+)/m, `$1import { ${id} } from './${name}';\n`),
  );
  const files = [file, path.join(dir, `${name}.test.ts`), index].map((f) => path.relative(root, f));
  const env = name.toUpperCase();
  const { etl, test } = shellCommands();
  const nextSteps = [
    `edit ${files[0]}: the columns, keys and checks of your records`,
    ...(source === 'http'
      ? [
          `services/extract/serverless.yml: give extractWorker "${env}_API_URL: \${param:${id}ApiUrl}" and each stage a ${id}ApiUrl param`,
          `then: ${etl} run ${name} --source-url https://…`,
        ]
      : source === 'sql'
        ? [
            `services/extract/serverless.yml: give sqlExtractWorker "${env}_DB_URL: \${param:${id}DbUrl}" and each stage a ${id}DbUrl param (a Secrets Manager ARN when deployed)`,
            `then: ${etl} run ${name} --source-url postgres://… (or mysql://…)`,
          ]
        : [
            `then: ${etl} run ${name} --files <your .csv or .jsonl files>; deployed, drop them under s3://etl-data-<stage>/landing/${name}/`,
          ]),
    `${etl} check, then ${test}`,
  ];
  return { files, nextSteps };
}
