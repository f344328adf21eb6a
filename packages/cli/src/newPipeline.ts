import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellCommands } from '@etl/dev';
import { locationParam, sourceKinds } from '@etl/extract';
import type { AnySourceKind } from '@etl/extract';

export interface Scaffolded {
  /** Files written, relative to the root. */
  files: string[];
  /** What is left to do by hand, in order. */
  nextSteps: string[];
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A value as a TypeScript literal on one line: `{ type: 'cursor', size: 10 }`. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}: ${literal(item)}`)
      .join(', ')} }`;
  return String(value);
}

/** The `source: { … }` block of a new pipeline: one field a line, each with its comment; where the source is comes from a param. */
function sourceBlock(kind: AnySourceKind, name: string): { text: string; param?: string } {
  const { source, comments = {} } = kind.scaffold(name);
  const env = kind.location?.env(source);
  const param = env && locationParam(env);
  const notes: Record<string, string | undefined> = { ...comments };
  if (env) {
    const field = Object.keys(source).find((key) => (source as unknown as Record<string, unknown>)[key] === env);
    if (field)
      notes[field] =
        `set on each stage from the extract service's param ${param}${kind.location!.deployed === 'secret' ? ' (deployed: a secret ARN)' : ''}`;
  }
  const lines = Object.entries(source).map(([key, value]) => `    ${key}: ${literal(value)},${notes[key] ? ` // ${notes[key]}` : ''}`);
  return { text: `{\n${lines.join('\n')}\n  }`, ...(param ? { param } : {}) };
}

/** The source kind `etl new --source <name>` names (`http`, `sql`, `files`), or an error listing them. */
function scaffoldKind(source: string): AnySourceKind {
  const kind = sourceKinds().find((k) => k.scaffoldName === source);
  if (!kind)
    throw new Error(
      `--source must be ${sourceKinds()
        .map((k) => k.scaffoldName)
        .join(', ')}, not "${source}"`,
    );
  return kind;
}

/**
 * `etl new <name> --source <kind>`: a pipeline definition to edit (`<name>.ts`), its test
 * (`<name>.test.ts`) and its entry in the pipelines' registry, under `<root>/packages/pipelines/src`
 * — nothing outside it: the extract service derives what the source needs from the definition.
 * Refuses a name that is not a pipeline name or is taken, and says what is left to do.
 */
export function scaffoldPipeline(root: string, name: string, source: string): Scaffolded {
  const kind = scaffoldKind(source);
  const block = sourceBlock(kind, name);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`"${name}" is not a pipeline name: 1–63 chars of a-z, 0-9 and _, starting with a letter`);
  const dir = path.join(root, 'packages/pipelines/src');
  const file = path.join(dir, `${name}.ts`);
  if (existsSync(file)) throw new Error(`${path.relative(root, file)} exists already: choose another name, or edit it`);
  const index = path.join(dir, 'index.ts');
  const registry = readFileSync(index, 'utf8');
  const entry = /loadDefinitions\(\{\n((?:[^\n]*\n)*?)\}\);/.exec(registry);
  if (!entry) throw new Error(`${path.relative(root, index)}: no "loadDefinitions({ … });" to register ${name} in`);
  const id = camel(name);
  if (new RegExp(`^\\s*${name}:`, 'm').test(entry[1]!))
    throw new Error(`a pipeline named ${name} is registered already in ${path.relative(root, index)}`);

  writeFileSync(
    file,
    `import { definePipeline, types } from '@etl/pipeline-kit';

/** ${name}: describe where its rows come from and what they are. */
export const ${id} = definePipeline({
  name: '${name}',
  description: '${name}: merged on id; the newest updated_at wins.',
  source: ${block.text},
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
  drift: 'quarantine',${kind.queue ? "\n  schedule: 'rate(1 hour)'," : ''}
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
  writeFileSync(
    index,
    registry.replace(
      entry[0],
      `loadDefinitions({\n${entry[1]}  ${name}: () => (require('./${name}') as typeof import('./${name}')).${id},\n});`,
    ),
  );
  const files = [file, path.join(dir, `${name}.test.ts`), index].map((f) => path.relative(root, f));
  const { etl, test } = shellCommands();
  const location = kind.location;
  const param = block.param;
  const nextSteps = [
    `edit ${files[0]}: the columns, keys and checks of your records`,
    ...(location
      ? [
          `then: ${etl} run ${name} --source-url ${location.example}`,
          `deployed: give each stage the extract service's param ${param} (serverless deploy --stage <stage> --param ${param}=${location.deployed === 'secret' ? 'arn:aws:secretsmanager:…:secret:etl/<stage>/…' : location.example})`,
        ]
      : [`then: ${etl} run ${name} --files <your .csv or .jsonl files>; deployed, drop them under s3://<data bucket>/landing/${name}/`]),
    `${etl} check, then ${test}`,
  ];
  return { files, nextSteps };
}
