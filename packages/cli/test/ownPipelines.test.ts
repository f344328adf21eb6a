import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DATABASE_DRIVERS } from '@etl/extract';
import { scratchRepository } from '@etl/harness/testing';
import { freshPostgresDatabase } from '@etl/local-aws/testing';

/**
 * A user's own pipelines, as the README tells them to make them, in a scratch copy of the
 * repository: `etl new` for every source kind, then `etl check` and `etl run` against their own
 * API, database table and file — and a definition they broke, which `etl check` names while the
 * others keep running.
 */
jest.setTimeout(15 * 60_000);

/** Records of the shape `etl new` scaffolds: id, name, amount, updated_at. */
const records = Array.from({ length: 30 }, (_, i) => ({
  id: `r-${String(i).padStart(2, '0')}`,
  name: `record ${i}`,
  amount: `${i}.50`,
  updated_at: `2026-12-01T10:${String(i).padStart(2, '0')}:00Z`,
}));

interface Summary {
  rows: { extracted: number; inserted: number; updated: number; rejected: number };
}

describe('your own pipelines, one of each source kind, in a scratch copy', () => {
  const repo = scratchRepository('etl-own-');
  const run = async (...args: string[]) =>
    JSON.parse((await repo.etl('--json', 'run', ...args, '--free-ports', '--once')).stdout) as Summary;
  const rowsOf = async (table: string) =>
    JSON.parse((await repo.etl('--json', 'query', `SELECT id, amount FROM public.${table} ORDER BY id`)).stdout) as string[][];
  const expected = records.map((r) => [r.id, r.amount.replace(/0$/, '0')]);

  // the API `etl new --source http` expects: ?updated_since=&cursor= → { items, next_cursor }
  const api = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://api');
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const page = records.filter((r) => r.updated_at >= (url.searchParams.get('updated_since') ?? '')).slice(from, from + 10);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ items: page, next_cursor: page.length === 10 ? String(from + 10) : null }));
  });
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    database = await freshPostgresDatabase('etl_own_source');
    const connection = await DATABASE_DRIVERS.postgres!(database.url);
    await connection.query(
      'CREATE TABLE own_table (id VARCHAR(64) PRIMARY KEY, name TEXT, amount NUMERIC(12, 2), updated_at TIMESTAMP NOT NULL)',
      [],
    );
    for (const r of records)
      await connection.query('INSERT INTO own_table VALUES ($1, $2, $3, $4)', [r.id, r.name, r.amount, r.updated_at.replace('Z', '')]);
    await connection.end();
    writeFileSync(path.join(repo.state, 'own.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => api.close(resolve));
    await repo.remove();
    await database?.drop();
  });

  it('scaffolds one pipeline of each kind, all accepted by etl check, nothing edited outside packages/pipelines', async () => {
    for (const [name, kind] of [
      ['own_api', 'http'],
      ['own_table', 'sql'],
      ['own_files', 'files'],
    ])
      await repo.etl('new', name!, '--source', kind!);
    const check = await repo.etl('check');
    expect(check.stdout).toMatch(/✔ 5 pipeline definition\(s\) valid/);
    expect(repo.changedFiles().filter((file) => !file.startsWith('packages/pipelines/src/'))).toEqual([]);
  });

  it('loads your API, your table and your file with etl run', async () => {
    const port = (api.address() as AddressInfo).port;
    expect((await run('own_api', '--source-url', `http://127.0.0.1:${port}/items`)).rows).toMatchObject({ extracted: 30, inserted: 30 });
    expect((await run('own_table', '--source-url', database.url)).rows).toMatchObject({ extracted: 30, inserted: 30 });
    const [fromFile] = (await run('own_files', '--files', path.join(repo.state, 'own.jsonl'))) as unknown as Summary[]; // one summary a file
    expect(fromFile!.rows).toMatchObject({ extracted: 30, inserted: 30 });
    for (const table of ['own_api', 'own_table', 'own_files']) expect(await rowsOf(table)).toEqual(expected);
  });

  it('names a broken definition, with where and why, while the others keep working', async () => {
    await repo.etl('new', 'own_broken', '--source', 'files');
    await repo.etl('new', 'own_wrong', '--source', 'files');
    const src = path.join(repo.root, 'packages/pipelines/src');
    // a definition that does not parse, and one that parses but does not check
    const broken = path.join(src, 'own_broken.ts');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace("write: 'merge',", "write: 'merge',,"));
    const wrong = path.join(src, 'own_wrong.ts');
    writeFileSync(wrong, readFileSync(wrong, 'utf8').replace("primaryKey: ['id']", "primaryKey: ['identifier']"));

    const check = await repo.etl('check').then(
      () => {
        throw new Error('etl check passed with two broken definitions');
      },
      (error: { code: number; stdout: string }) => error,
    );
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✘ own_broken — packages\/pipelines\/src\/own_broken\.ts:\d+\n {4}- .+/);
    expect(check.stdout).toMatch(
      /✘ own_wrong — packages\/pipelines\/src\/own_wrong\.ts:\d+\n {4}- primaryKey "identifier" is not a source column/,
    );
    expect(check.stdout).toMatch(/✔ 5 pipeline definition\(s\) valid/);
    expect(check.stdout).toMatch(/✘ 2 pipeline definition\(s\) not valid/);

    // the services bundle every definition: while one does not parse, no run starts — said before anything starts
    const more = path.join(repo.state, 'more.jsonl');
    writeFileSync(more, JSON.stringify({ ...records[0], amount: '99.00', updated_at: '2026-12-02T00:00:00Z' }));
    await expect(repo.etl('run', 'own_files', '--files', more, '--free-ports', '--once')).rejects.toThrow(
      /pipeline own_broken \(packages\/pipelines\/src\/own_broken\.ts:\d+\) does not parse: .+ no pipeline runs until it parses/,
    );
    // one that parses but does not check is left out: the others run, and every command names it in one line
    writeFileSync(broken, readFileSync(broken, 'utf8').replace("write: 'merge',,", "write: 'merge',"));
    const again = await repo.etl('--json', 'run', 'own_files', '--files', more, '--free-ports', '--once');
    expect((JSON.parse(again.stdout) as Summary[])[0]!.rows).toMatchObject({ extracted: 1, updated: 1 });
    expect(again.stderr).toMatch(/⚠ pipeline own_wrong \(packages\/pipelines\/src\/own_wrong\.ts:\d+\) not valid, left out/);
    await expect(repo.etl('run', 'own_wrong', '--files', more)).rejects.toThrow(
      /pipeline own_wrong \(packages\/pipelines\/src\/own_wrong\.ts:\d+\) is not valid: primaryKey "identifier" is not a source column/,
    );
  });
});
