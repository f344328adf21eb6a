import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { dlqCommand } from '../dlqCommand';
import { quarantinedRows } from '../quarantineCommand';
import { replayRun } from '../replayCommand';
import { runDetail } from '../showCommand';
import type { Target } from '../target';
import { LiveOverview } from './liveOverview';
import { readOverview } from './overview';
import { buildPageAssets } from './pageAssets';

export interface DashboardOptions {
  target: Target;
  /** Default 4700; 0: a free port. */
  port?: number;
  /** Default 127.0.0.1: the page is for this machine. */
  host?: string;
  /** Redrive and replay buttons; off by default (the page only reads). */
  allowActions?: boolean;
  /** How often the live page's figures are read (default 1,500 ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface Dashboard {
  url: string;
  stop: () => Promise<void>;
}

/** What the page learns about the server before it draws. */
export interface DashboardConfig {
  stage: string;
  allowActions: boolean;
  canReplay: boolean;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `etl dashboard`: one page of pipelines, runs, row accounting and queues, live over
 * Server-Sent Events. Every figure comes from the modules the CLI's commands use. Requests
 * must name this server as their Host (no DNS rebinding), and actions need `allowActions` and a
 * header a cross-site form cannot send.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { target, allowActions = false } = options;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const assets = await buildPageAssets();
  const live = new LiveOverview(
    () => readOverview(target),
    options.pollMs ?? 1_500,
    (error) => log(`dashboard: ${message(error)}`),
  );
  const config: DashboardConfig = { stage: target.stage, allowActions, canReplay: allowActions && target.invokeExtract !== undefined };
  let port = 0;

  const app = new Hono();
  app.use(async (c, next) => {
    const requested = c.req.header('host') ?? '';
    if (![`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`].includes(requested))
      return c.text(`this dashboard answers only to ${host}:${port}`, 421);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'");
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.onError((error, c) => c.json({ error: message(error) }, 500));
  app.get('/', (c) => c.html(assets.html));
  app.get('/assets/app.js', (c) => c.body(assets.script, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/assets/app.css', (c) => c.body(assets.styles, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/api/config', (c) => c.json(config));
  app.get('/api/overview', async (c) => c.json(await readOverview(target)));
  app.get('/api/runs/:run', async (c) => c.json(await runDetail(target, c.req.param('run'))));
  app.get('/api/runs/:run/quarantine', async (c) => {
    const limit = Number(c.req.query('limit') ?? 200);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      return c.json({ error: 'limit must be a whole number from 1 to 10000' }, 400);
    const run = c.req.param('run');
    const pipeline = c.req.query('pipeline') || undefined;
    try {
      return c.json(await quarantinedRows(target, run, { rule: c.req.query('rule') || undefined, limit, pipeline }));
    } catch (error) {
      // a run that rejected nothing has no quarantine folder: an empty quarantine, not an error
      if (/^no quarantine for run/.test(message(error))) return c.json({ prefix: null, rows: [], total: 0 });
      throw error;
    }
  });
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let unsubscribe = () => undefined as void;
      await new Promise<void>((resolve) => {
        unsubscribe = live.subscribe(
          (overview, changed) =>
            void stream.writeSSE(
              changed
                ? { event: 'overview', data: JSON.stringify(overview) }
                : { event: 'read', data: JSON.stringify({ readAt: overview.readAt }) },
            ),
        );
        stream.onAbort(resolve);
      });
      unsubscribe();
    }),
  );
  app.post('/api/*', async (c, next) => {
    if (!allowActions) return c.json({ error: 'this dashboard is read-only: start it with --allow-actions to redrive or replay' }, 403);
    // a cross-site form or a no-cors fetch cannot set this header without a preflight, which this server never grants
    if (c.req.header('x-etl-action') !== '1') return c.json({ error: 'actions need the X-ETL-Action: 1 header' }, 400);
    await next();
  });
  app.post('/api/dlq/redrive', async (c) => c.json((await dlqCommand(target, { redrive: true })).json));
  app.post('/api/runs/:pipeline/:run/replay', async (c) => c.json(await replayRun(target, c.req.param('pipeline'), c.req.param('run'))));

  const wanted = options.port ?? 4700;
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: wanted, hostname: host }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${wanted} on ${host} is taken by another process (another dashboard?): stop it, or give --port another one (0: any free port)`,
            )
          : error,
      ),
    );
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/`;
  log(`dashboard ${url}${allowActions ? ' (actions allowed)' : ''}`);
  return {
    url,
    stop: async () => {
      live.stop();
      await live.settled();
      if ('closeAllConnections' in server) server.closeAllConnections(); // open event streams would hold close() forever
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
