import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { REPO_ROOT } from '@etl/harness';
import { readRunManifest, recordReplay } from '@etl/extract';
import { recentRuns, runFiles } from '@etl/warehouse';
import { useDevStack } from '../../dev/test/devStack';
import { connect, queueStatus, quarantinedRows, startDashboard } from '../src';
import type { Dashboard, Target } from '../src';
import { etl, order, startShopApi } from './etlHelpers';

jest.setTimeout(10 * 60_000);

/** Screenshots are kept with the test's output (and the README shows one of them). */
const SHOTS = path.join(REPO_ROOT, 'packages/cli/test/output');
const SCRIPT_NOTE = '<script>window.__xss = 1</script><b>bold?</b>';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The text of every `[data-field]` cell of an element, by field. */
const fields = (page: Page, selector: string) =>
  page.$eval(selector, (element) =>
    Object.fromEntries([...element.querySelectorAll<HTMLElement>('[data-field]')].map((cell) => [cell.dataset.field, cell.textContent])),
  );
const shown = (n: number) => n.toLocaleString('en-US');

describe('etl dashboard: pipelines, runs, accounting, quarantine and queues in a real browser', () => {
  const local = useDevStack('dashboard-');
  // order 7 has quantity 0 (rejected by the range rule) and a note that is markup
  const orders = Array.from({ length: 300 }, (_, i) => (i === 7 ? { ...order(i, 0), note: SCRIPT_NOTE } : order(i, 0)));
  let api: Awaited<ReturnType<typeof startShopApi>>;
  let target: Target;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  // --once: no services stay running after a run, so a message redriven to a queue waits there for the page to show it
  const runOrders = () => etl('--dir', local.dir, '--json', 'run', 'orders', '--free-ports', '--once', '--source-url', api.url);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    api = await startShopApi(orders);
    await runOrders();
    target = await connect({ dir: local.dir });
    dashboard = await startDashboard({ target, port: 0, pollMs: 500 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // the closed network refuses Chromium's own background connections: do not make them
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  });
  const pageErrors: string[] = [];
  afterEach(() => expect(pageErrors.splice(0)).toEqual([])); // the page logged no error and threw none
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await target?.close();
    await api?.stop();
  });

  it('shows each run with the figures the warehouse has, and the queues as SQS counts them', async () => {
    await page.goto(dashboard.url);
    await page.waitForSelector('[data-testid=run]');
    const [run] = await recentRuns(target.warehouse, { pipeline: 'orders' });
    expect(await fields(page, `[data-testid=run][data-run="${run!.runId}"]`)).toMatchObject({
      from: 'API', // where the run's rows came from
      state: 'loaded',
      extracted: shown(run!.rows.extracted),
      inserted: shown(run!.rows.inserted),
      updated: shown(run!.rows.updated),
      rejected: shown(run!.rows.rejected),
      collapsed: shown(run!.rows.collapsed),
    });
    expect(run!.rows.extracted).toBe(300);
    const queues = await queueStatus(target);
    expect(queues.length).toBeGreaterThan(0);
    for (const queue of queues)
      expect(await fields(page, `[data-testid=queue][data-queue="${queue.queue}"]`)).toEqual({
        visible: shown(queue.visible),
        inFlight: shown(queue.inFlight),
        deadLetters: shown(queue.deadLetters),
      });
    expect(await page.$$('[data-testid=chart] canvas')).not.toHaveLength(0); // the chart over the runs is drawn
    const legend = await page.$eval('[data-testid=chart] .u-legend', (element) => element.textContent ?? '');
    expect(legend).toContain('extract s');
    expect(legend).not.toMatch(/Value|--/); // names the lines, no empty value beside no run
    // nothing changes, yet the page says it is live and when it last read, in UTC like every other time
    const readAt = async () => /^live · read (\d\d:\d\d:\d\d) UTC$/.exec((await page.textContent('[data-testid=live]')) ?? '')?.[1];
    const first = await readAt();
    expect(first).toBeDefined();
    await page.waitForFunction((was) => !document.getElementById('live')!.textContent!.includes(was!), first, { timeout: 5_000 });
    expect(await readAt()).toBeDefined();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-overview.png'), fullPage: true });
  });

  it('shows a replay under its run, with what it loaded', async () => {
    const [run] = await recentRuns(target.warehouse, { pipeline: 'orders' });
    // what publishRun records as it announces the run again (etl replay; etlRun.test runs one through it)
    await recordReplay(
      target.s3,
      target.bucket,
      await readRunManifest(target.s3, target.bucket, { pipeline: 'orders', runId: run!.runId }),
    );
    const replays = `[data-testid=run][data-run="${run!.runId}"] [data-testid=replays]`;
    await page.waitForSelector(replays, { timeout: 10_000 });
    expect(await page.textContent(replays)).toMatch(/^replayed \d\d:\d\d:\d\d UTC: 0 of 1 file\(s\) loaded \(all were before\)$/);
  });

  it('follows a run to its files and its quarantine, where a rejected row shows its reason and a <script> note as text', async () => {
    const [run] = await recentRuns(target.warehouse, { pipeline: 'orders' });
    await page.click(`[data-testid=run][data-run="${run!.runId}"] [data-testid=run-link]`);
    await page.waitForSelector('[data-testid=run-detail]');
    expect(await page.textContent('[data-testid=accounting]')).toContain('✔');
    expect(await page.textContent('[data-testid=figure-rejected] .value')).toBe(shown(run!.rows.rejected));
    expect(await page.$$('[data-testid=file]')).toHaveLength((await runFiles(target.warehouse, 'orders', run!.runId)).length);
    // the load's statements with their timings (its report is written just after the batch commits)
    await page.waitForSelector('[data-testid=statement]', { timeout: 15_000 });

    await page.click('[data-testid=rule-filter][data-rule=range]');
    await page.waitForFunction(() => location.hash.includes('rule=range'));
    await page.waitForSelector('[data-testid=rejected-row]');
    const expected = (await quarantinedRows(target, run!.runId, { rule: 'range' })).rows.find((row) => row.raw?.includes('<script>'));
    expect(expected).toBeDefined();
    const rows = await page.$$eval('[data-testid=rejected-row]', (trs) =>
      trs.map((tr) =>
        Object.fromEntries([...tr.querySelectorAll<HTMLElement>('[data-field]')].map((td) => [td.dataset.field, td.textContent])),
      ),
    );
    const scripted = rows.find((row) => row.raw?.includes(SCRIPT_NOTE));
    expect(scripted).toEqual({
      field: expected!.rejections[0]!.field,
      rule: 'range',
      reason: expected!.rejections[0]!.message,
      raw: expected!.raw,
    });
    // shown as text: no element was made of it and it never ran
    expect(await page.$$('main script')).toHaveLength(0);
    expect(await page.$$eval('[data-testid=rejected-row] [data-field=raw]', (cells) => cells.map((cell) => cell.children.length))).toEqual(
      rows.map(() => 0),
    );
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-run.png'), fullPage: true });
  });

  it('updates while the next run moves, without reloading', async () => {
    await page.goto(dashboard.url);
    await page.waitForSelector('[data-testid=run]');
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    orders.push(...Array.from({ length: 30 }, (_, k) => order(1_000 + k, 0)));
    await runOrders();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run]').length === 2, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    const [newest] = await recentRuns(target.warehouse, { pipeline: 'orders' });
    expect(await fields(page, `[data-testid=run][data-run="${newest!.runId}"]`)).toMatchObject({
      state: 'loaded',
      extracted: shown(newest!.rows.extracted),
      inserted: shown(newest!.rows.inserted),
    });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-two-runs.png'), fullPage: true });
  });

  it('with --allow-actions, redrives a dead-letter queue from its button, through the code etl dlq --redrive runs', async () => {
    const acting = await startDashboard({ target, port: 0, allowActions: true, pollMs: 500 });
    try {
      const queues = await target.queues();
      await target.sqs.send(
        new SendMessageCommand({
          QueueUrl: queues['etl-load-dev-load-dlq']!,
          MessageBody: JSON.stringify({ kind: 'staged-file-ready', pipeline: 'orders', runId: 'r-1' }),
        }),
      );
      await page.goto(acting.url);
      await page.waitForSelector('[data-testid=queue][data-queue="etl-load-dev-load"] [data-field=deadLetters]:text-is("1")');
      await page.click('[data-testid=redrive]');
      await page.waitForSelector('[data-testid=notice]:has-text("moving back")');
      // the move task runs in SQS: the page follows it live to the load queue
      await page.waitForSelector('[data-testid=queue][data-queue="etl-load-dev-load"] [data-field=visible]:text-is("1")', {
        timeout: 30_000,
      });
      expect((await queueStatus(target)).find((q) => q.queue === 'etl-load-dev-load')).toMatchObject({ visible: 1, deadLetters: 0 });
    } finally {
      await page.goto(dashboard.url); // off the page first: stopping its server cuts its event stream (the page logs that)
      await acting.stop();
    }
  });

  it('is read-only unless started with actions, and answers only to its own host name', async () => {
    const redrive = await fetch(new URL('/api/dlq/redrive', dashboard.url), { method: 'POST', headers: { 'X-ETL-Action': '1' } });
    expect(redrive.status).toBe(403);
    // a page of another site whose name was rebound to 127.0.0.1 sends its own name as Host
    const { port } = new URL(dashboard.url);
    const rebound = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port, path: '/api/overview', headers: { host: 'attacker.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(421);
  });
});
