import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backgroundServices, servicesFiles, servicesFingerprint, stopBackgroundServices, tail } from './backgroundServices';
import type { ServicesState } from './backgroundServices';

describe('servicesFingerprint', () => {
  const api = { ordersApiUrl: 'http://127.0.0.1:4100/orders' };

  it('is the same for the same code and source, whatever the order of the params', () => {
    const a = servicesFingerprint({ ...api, extra: 'x' }, undefined);
    const b = servicesFingerprint({ extra: 'x', ...api }, undefined);
    expect(b).toEqual(a);
    expect(a.code).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells another source or warehouse apart, but not the code', () => {
    const base = servicesFingerprint(api, undefined);
    const otherApi = servicesFingerprint({ ordersApiUrl: 'http://127.0.0.1:4101/orders' }, undefined);
    const otherWarehouse = servicesFingerprint(api, 'postgres://127.0.0.1:5432/test');
    expect(otherApi.source).not.toBe(base.source);
    expect(otherWarehouse.source).not.toBe(base.source);
    expect(new Set([base.source, otherApi.source, otherWarehouse.source]).size).toBe(3);
    expect(otherApi.code).toBe(base.code);
  });

  it('never holds the source in clear (a URL may carry a password)', () => {
    const { source } = servicesFingerprint({ sqlSourceUrl: 'postgres://etl:secret@db/shop' }, undefined);
    expect(source).not.toContain('secret');
  });
});

describe('background services state', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'etl-services-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const state = (pid: number): ServicesState => ({
    pid,
    code: 'c',
    source: 's',
    endpoints: { s3: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2', redshiftData: 'http://127.0.0.1:3', iam: 'http://127.0.0.1:7' },
    lambdaEndpoints: { extract: 'http://127.0.0.1:4', transform: 'http://127.0.0.1:5', load: 'http://127.0.0.1:6' },
    queueUrls: {},
    startedAt: '2026-12-03T00:00:00.000Z',
  });

  it('has none on a folder without a state file', async () => {
    expect(backgroundServices(dir)).toBeUndefined();
    expect(await stopBackgroundServices(dir)).toBeUndefined();
  });

  it('ignores services whose process is gone, and stopping them only clears the file', async () => {
    const dead = 2 ** 22 - 3; // at the top of Linux's pid range (default pid_max 32768): no process has it
    writeFileSync(servicesFiles(dir).state, JSON.stringify(state(dead)));
    expect(backgroundServices(dir)).toBeUndefined();
    expect(await stopBackgroundServices(dir)).toBeUndefined();
    expect(backgroundServices(dir)).toBeUndefined();
  });

  it('ignores services whose stack is not running on the folder', () => {
    writeFileSync(servicesFiles(dir).state, JSON.stringify(state(process.pid))); // alive, but no stack.json
    expect(backgroundServices(dir)).toBeUndefined();
  });
});

describe('tail', () => {
  it('gives the last lines of a file, and none of a missing one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'etl-tail-'));
    const file = path.join(dir, 'log');
    writeFileSync(file, Array.from({ length: 100_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    expect(tail(file, 3)).toEqual(['line 99997', 'line 99998', 'line 99999']);
    expect(tail(path.join(dir, 'none'), 3)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
