import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@etl/harness';

/**
 * Two state folders on one machine: the second's `etl run` finds the default ports held by the
 * first's local stack, and says which folder holds them and what to do. In a private network
 * namespace (unshare -n), so its fixed ports meet no other test's.
 */
jest.setTimeout(5 * 60_000);

describe('a port another folder holds', () => {
  const first = mkdtempSync(path.join(tmpdir(), 'etl-first-'));
  const second = mkdtempSync(path.join(tmpdir(), 'etl-second-'));
  afterAll(() => [first, second].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is named with the folder whose stack holds it, how to stop it, and the flag that avoids it', () => {
    const node = `${JSON.stringify(process.execPath)} -r esbuild-register`;
    const localAws = `${node} packages/local-aws/bin/local-aws.ts`;
    const script = [
      'ip link set lo up',
      `${localAws} up --dir ${first} > /dev/null`,
      `${node} packages/cli/bin/etl.ts --dir ${second} run orders --once; echo "etl exited $?"`,
      `${localAws} down --dir ${first} > /dev/null`,
    ].join('\n');
    const result = spawnSync('unshare', ['-n', 'bash', '-c', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/port \d+ on 127\.0\.0\.1 \(\w+\) is taken by another process/);
    expect(output).toContain(`the local stack of the folder ${first} holds it (pid `);
    expect(output).toContain(`etl --dir ${first} down stops its services`);
    expect(output).toContain('etl run … --free-ports runs beside it');
    expect(output).toContain('etl exited 1');
  });
});
