/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard page: an overview of pipelines and queues (live, from the server's event
 * stream), and a page per run with its files, quarantine and load statements. Every value from
 * data reaches the page as a text node ({@link h}): nothing is ever parsed as HTML.
 */
import uPlot from 'uplot';
import type { RunListing } from '@etl/warehouse';
import type { Quarantine } from '../../quarantineCommand';
import type { RunDetail } from '../../showCommand';
import type { Overview } from '../overview';
import { replaysText } from '../../replaysText';
import type { DashboardConfig } from '../server';

type Child = Node | string | number | null | undefined | false;
interface Props {
  class?: string;
  testid?: string;
  href?: string;
  title?: string;
  data?: Record<string, string>;
  onclick?: () => void;
}

/** An element with text children: strings become text nodes, so data can never become markup. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.testid) element.dataset.testid = props.testid;
  if (props.title) element.title = props.title;
  if (props.href && element instanceof HTMLAnchorElement) element.href = props.href;
  for (const [key, value] of Object.entries(props.data ?? {})) element.dataset[key] = value;
  if (props.onclick) element.addEventListener('click', props.onclick);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

const count = (n: number) => n.toLocaleString('en-US');
const secs = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} s` : '–');
const rate = (run: RunListing) =>
  Number.isFinite(run.seconds.total) && run.seconds.total > 0 ? Math.round(run.rows.extracted / run.seconds.total) : null;
const num = (field: string, value: Child) => h('td', { class: 'num', data: { field } }, value);

function table(headers: string[], rows: Node[], testid?: string): HTMLElement {
  const numeric = (header: string) =>
    /rows|in$|inserted|updated|rejected|collapsed|staged|waiting|flight|DLQ|seconds| s$|\/s|#/.test(header);
  return h(
    'table',
    { testid },
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', { class: numeric(header) ? 'num' : undefined }, header)))),
    h('tbody', {}, ...rows),
  );
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${url}: HTTP ${response.status}`);
  return body;
}

async function act(url: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'X-ETL-Action': '1' } });
  const body = (await response.json()) as { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${url}: HTTP ${response.status}`);
  return body;
}

const app = document.getElementById('app')!;
const notice = document.getElementById('notice')!;
const live = document.getElementById('live')!;
let config: DashboardConfig = { stage: '?', allowActions: false, canReplay: false };
let overview: Overview | undefined;
let charts: uPlot[] = [];

function tell(text: string | null, bad = false) {
  notice.hidden = text === null;
  notice.textContent = text ?? '';
  notice.classList.toggle('bad', bad);
}

const stateClass = (state: string) =>
  state === 'loaded' ? 'state-loaded' : state.startsWith('loading') ? 'state-loading' : state.startsWith('waiting') ? 'state-waiting' : '';

/** Seconds per stage and rows per second over a pipeline's runs, oldest first. */
function runChart(runs: RunListing[]): HTMLElement {
  const holder = h('div', { class: 'chart', testid: 'chart' });
  const ordered = [...runs].reverse().filter((run) => Number.isFinite(run.seconds.total));
  if (ordered.length === 0) return holder;
  // runs are events, not a time series: one step per run, labelled with its planning time (UTC) —
  // every step-th run only, so labels never overlap however many runs there are
  const x = ordered.map((_, i) => i + 1);
  const width = Math.min(1100, Math.max(420, app.clientWidth - 60));
  const step = Math.ceil(x.length / Math.max(2, Math.floor(width / 110)));
  const label = (i: number) => {
    const run = ordered[Math.round(i) - 1];
    return run ? new Date(run.plannedAt).toISOString().slice(5, 16).replace('T', ' ') : '';
  };
  const stage = (pick: (run: RunListing) => number) => ordered.map(pick);
  const options: uPlot.Options = {
    width,
    height: 190,
    // the legend names the lines; values show on hovering a run (not "Value: --" beside no run)
    legend: { live: false },
    series: [
      { label: 'run' },
      { label: 'extract s', stroke: '#2463eb', width: 2, scale: 's' },
      { label: 'transform s', stroke: '#7c3aed', width: 2, scale: 's' },
      { label: 'load s', stroke: '#0e9384', width: 2, scale: 's' },
      { label: 'rows/s', stroke: '#d97706', width: 2, dash: [6, 4], scale: 'rate' },
    ],
    axes: [
      {
        label: 'run, by planning time (UTC)',
        splits: () => x.filter((i) => (i - 1) % step === 0),
        values: (_, splits) => splits.map(label),
      },
      { scale: 's', label: 'seconds' },
      { scale: 'rate', side: 1, label: 'rows/s', grid: { show: false } },
    ],
    scales: { x: { time: false, range: [0.5, x.length + 0.5] } },
  };
  const data: uPlot.AlignedData = [
    x,
    stage((run) => run.seconds.extract),
    stage((run) => run.seconds.transform),
    stage((run) => run.seconds.load),
    stage((run) => rate(run) ?? Number.NaN),
  ];
  charts.push(new uPlot(options, data, holder));
  return holder;
}

function replayButton(pipeline: string, runId: string): Child {
  if (!config.canReplay) return null;
  return h(
    'button',
    {
      testid: 'replay',
      onclick: () => {
        act(`/api/runs/${encodeURIComponent(pipeline)}/${encodeURIComponent(runId)}/replay`).then(
          (answer) => tell(`replay of ${runId}: ${(answer as { published: number }).published} raw file(s) announced again`),
          (error: Error) => tell(error.message, true),
        );
      },
    },
    'replay',
  );
}

function renderOverview(view: Overview): Node[] {
  const pipelines = view.pipelines.map((pipeline) =>
    h(
      'section',
      { class: 'panel', testid: 'pipeline', data: { pipeline: pipeline.pipeline } },
      h('h2', {}, pipeline.pipeline),
      h(
        'div',
        { class: 'meta' },
        h('span', {}, 'state ', h('b', { class: stateClass(pipeline.state) }, pipeline.state)),
        h('span', {}, 'watermark ', h('b', { testid: 'watermark' }, pipeline.watermark ?? '(none)')),
        h('span', {}, 'schedule ', h('b', {}, pipeline.schedule ?? 'invoked')),
        h('span', {}, 'drift ', h('b', {}, pipeline.drift)),
      ),
      ...pipeline.waiting.map((w) =>
        h(
          'p',
          { class: 'state-waiting', testid: 'waiting', data: { run: w.runId } },
          `run ${w.runId} waiting since ${w.since.slice(11, 19)} UTC in ${w.service}: ${w.code} (try ${w.attempt}, next ${w.nextAttemptAt.slice(11, 19)} UTC) — ${w.reason}`,
        ),
      ),
      pipeline.runs.length === 0 ? h('p', { class: 'empty' }, 'no run loaded yet') : runChart(pipeline.runs),
      pipeline.runs.length === 0
        ? null
        : table(
            [
              'run',
              'from',
              'state',
              'rows in',
              'inserted',
              'updated',
              'rejected',
              'collapsed',
              'extract s',
              'transform s',
              'load s',
              'rows/s',
              '',
            ],
            pipeline.runs.map((run) => {
              const { state } = run;
              return h(
                'tr',
                { testid: 'run', data: { run: run.runId } },
                h('td', {}, h('a', { href: `#/runs/${encodeURIComponent(run.runId)}`, testid: 'run-link' }, run.runId)),
                h(
                  'td',
                  { data: { field: 'from' } },
                  run.from,
                  ...(run.replays.length > 0 ? [h('div', { class: 'replays', testid: 'replays' }, replaysText(run.replays))] : []),
                ),
                h('td', { class: stateClass(state), data: { field: 'state' } }, state),
                num('extracted', count(run.rows.extracted)),
                num('inserted', count(run.rows.inserted)),
                num('updated', count(run.rows.updated)),
                num('rejected', count(run.rows.rejected)),
                num('collapsed', count(run.rows.collapsed)),
                num('extract', secs(run.seconds.extract)),
                num('transform', secs(run.seconds.transform)),
                num('load', secs(run.seconds.load)),
                num('rate', rate(run) === null ? '–' : count(rate(run)!)),
                h('td', {}, replayButton(run.pipeline, run.runId)),
              );
            }),
            'runs',
          ),
    ),
  );
  const deadLetters = view.queues.reduce((n, q) => n + q.deadLetters, 0);
  const queues = h(
    'section',
    { class: 'panel', testid: 'queues' },
    h('h2', {}, 'Queues'),
    view.queues.length === 0
      ? h('p', { class: 'empty' }, `no queues on ${view.stage} yet: run a pipeline once to create them`)
      : table(
          ['queue', 'waiting', 'in flight', 'in DLQ'],
          view.queues.map((q) =>
            h(
              'tr',
              { testid: 'queue', data: { queue: q.queue } },
              h('td', {}, q.queue),
              num('visible', count(q.visible)),
              num('inFlight', count(q.inFlight)),
              h('td', { class: `num ${q.deadLetters > 0 ? 'bad' : ''}`, data: { field: 'deadLetters' } }, count(q.deadLetters)),
            ),
          ),
        ),
    config.allowActions && deadLetters > 0
      ? h(
          'p',
          {},
          h(
            'button',
            {
              testid: 'redrive',
              onclick: () => {
                act('/api/dlq/redrive').then(
                  () => tell(`${deadLetters} dead-lettered message(s) moving back to their queues`),
                  (error: Error) => tell(error.message, true),
                );
              },
            },
            `redrive ${deadLetters} message(s)`,
          ),
        )
      : null,
  );
  return [...pipelines, queues];
}

function figure(label: string, value: number, testid: string): HTMLElement {
  return h('div', { class: 'figure', testid }, h('div', { class: 'value' }, count(value)), h('div', { class: 'label' }, label));
}

function renderRun(detail: RunDetail, quarantine: Quarantine, rule: string | null): Node[] {
  const { run, files, loads } = detail;
  const r = run.rows;
  const addsUp = r.extracted === r.rejected + r.collapsed + r.inserted + r.updated;
  const ruleLink = (name: string | null, label: string) =>
    h(
      'a',
      {
        class: `chip ${name === rule ? 'active' : ''}`,
        testid: 'rule-filter',
        data: { rule: name ?? '' },
        href: `#/runs/${encodeURIComponent(run.runId)}${name ? `?rule=${encodeURIComponent(name)}` : ''}`,
      },
      label,
    );
  return [
    h('p', {}, h('a', { href: '#/' }, '← all pipelines')),
    h(
      'section',
      { class: 'panel', testid: 'run-detail', data: { run: run.runId } },
      h('h1', {}, `Run ${run.runId}`),
      h(
        'div',
        { class: 'meta' },
        h('span', {}, 'pipeline ', h('b', {}, run.pipeline)),
        h('span', {}, 'state ', h('b', { class: stateClass(detail.state) }, detail.state)),
        h('span', {}, 'extract ', h('b', {}, secs(run.seconds.extract))),
        h('span', {}, 'transform ', h('b', {}, secs(run.seconds.transform))),
        h('span', {}, 'load ', h('b', {}, secs(run.seconds.load))),
      ),
      h(
        'div',
        { class: 'figures' },
        figure('rows in', r.extracted, 'figure-extracted'),
        figure('inserted', r.inserted, 'figure-inserted'),
        figure('updated', r.updated, 'figure-updated'),
        figure('rejected', r.rejected, 'figure-rejected'),
        figure('duplicates collapsed', r.collapsed, 'figure-collapsed'),
      ),
      h(
        'p',
        { class: addsUp ? 'ok' : 'bad', testid: 'accounting' },
        `${count(r.extracted)} in = ${count(r.inserted)} inserted + ${count(r.updated)} updated + ${count(r.rejected)} rejected + ${count(r.collapsed)} collapsed ${addsUp ? '✔' : '✘ does not add up'}`,
      ),
      h('h2', {}, 'Files'),
      table(
        ['part', 'rows in', 'rejected', 'collapsed', 'staged', 'inserted', 'updated', 'raw bytes', 'staged bytes', 'loaded at'],
        files.map((f) =>
          h(
            'tr',
            { testid: 'file', data: { part: String(f.part) } },
            h('td', {}, String(f.part)),
            num('extracted', count(f.rows.extracted)),
            num('rejected', count(f.rows.rejected)),
            num('collapsed', count(f.rows.collapsed)),
            num('staged', count(f.rows.staged)),
            num('inserted', count(f.rows.inserted)),
            num('updated', count(f.rows.updated)),
            num('rawBytes', f.rawBytes === null ? '–' : count(f.rawBytes)),
            num('stagedBytes', f.stagedBytes === null ? '–' : count(f.stagedBytes)),
            h('td', {}, f.loadedAt ?? ''),
          ),
        ),
        'files',
      ),
    ),
    h(
      'section',
      { class: 'panel', testid: 'quarantine' },
      h('h2', {}, 'Quarantine'),
      h(
        'div',
        { class: 'chips' },
        ruleLink(null, `all ${count(r.rejected)}`),
        ...Object.entries(detail.rejectsByRule).map(([name, n]) => ruleLink(name, `${name} ${count(n)}`)),
      ),
      quarantine.total === 0
        ? h('p', { class: 'empty' }, rule ? `no row rejected by ${rule}` : 'this run rejected no row')
        : table(
            ['file:line', 'field', 'rule', 'reason', 'raw line'],
            quarantine.rows.flatMap((row) =>
              row.rejections
                .filter((rejection) => !rule || rejection.rule === rule)
                .map((rejection) =>
                  h(
                    'tr',
                    { testid: 'rejected-row' },
                    h('td', {}, `${row.file.split('/').pop()}:${row.line}`),
                    h('td', { data: { field: 'field' } }, rejection.field),
                    h('td', { data: { field: 'rule' } }, rejection.rule),
                    h('td', { data: { field: 'reason' } }, rejection.message),
                    h('td', { class: 'raw', data: { field: 'raw' } }, row.raw ?? `base64:${row.raw_base64 ?? ''}`),
                  ),
                ),
            ),
            'rejected-rows',
          ),
      quarantine.total > quarantine.rows.length
        ? h('p', { class: 'empty' }, `${quarantine.rows.length} of ${count(quarantine.total)} shown`)
        : null,
    ),
    h(
      'section',
      { class: 'panel', testid: 'loads' },
      h('h2', {}, 'Load statements'),
      loads.length === 0 ? h('p', { class: 'empty' }, 'no load report yet (the load writes one after each batch commits)') : null,
      ...loads.map((load) =>
        h(
          'div',
          { testid: 'load-batch' },
          h(
            'h3',
            {},
            `batch ${load.batchId.slice(0, 8)} · ${load.files.length} of its ${load.batchFiles} file(s) · ${load.statements.reduce((n, s) => n + s.seconds, 0).toFixed(3)} s · finished ${load.finishedAt}`,
          ),
          table(
            ['#', 'seconds', 'rows', 'statement'],
            load.statements.map((s, i) =>
              h(
                'tr',
                { testid: 'statement' },
                h('td', {}, String(i + 1)),
                num('seconds', s.seconds.toFixed(3)),
                num('rows', s.rows < 0 ? '–' : count(s.rows)),
                h('td', {}, h('pre', {}, s.sql.trim())),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

/** `#/` or `#/runs/<run>?rule=<rule>`. */
function route(): { run: string | null; rule: string | null } {
  const match = /^#\/runs\/([^?]+)(?:\?(.*))?$/.exec(location.hash);
  if (!match) return { run: null, rule: null };
  return { run: decodeURIComponent(match[1]!), rule: new URLSearchParams(match[2] ?? '').get('rule') };
}

let drawing = 0;
/** Draws the page the address names; a newer draw wins over one still fetching. */
async function draw(): Promise<void> {
  const mine = ++drawing;
  const { run, rule } = route();
  const previous = charts;
  charts = [];
  let content: Node[];
  try {
    if (run === null) {
      if (!overview) return;
      content = renderOverview(overview);
    } else {
      const [detail, quarantine] = await Promise.all([
        getJson<RunDetail>(`/api/runs/${encodeURIComponent(run)}`),
        getJson<Quarantine>(`/api/runs/${encodeURIComponent(run)}/quarantine?limit=200${rule ? `&rule=${encodeURIComponent(rule)}` : ''}`),
      ]);
      content = renderRun(detail, quarantine, rule);
      // a run still loading, or loaded files whose load report is not written yet: read it again soon
      const reported = detail.loads.reduce((n, load) => n + load.files.length, 0);
      if (detail.state !== 'loaded' || reported < detail.files.length) {
        const shownHash = location.hash;
        setTimeout(() => location.hash === shownHash && mine === drawing && void draw(), 2_000);
      }
    }
  } catch (error) {
    content = [h('p', { class: 'bad', testid: 'error' }, (error as Error).message)];
  }
  if (mine !== drawing) return;
  for (const chart of previous) chart.destroy();
  app.replaceChildren(...content);
}

/** When the figures were last read, in UTC and 24 hours as every other time on the page. */
function showRead(readAt: string): void {
  live.textContent = `live · read ${readAt.slice(11, 19)} UTC`;
  live.classList.add('on');
}

async function main() {
  config = await getJson<DashboardConfig>('/api/config');
  document.getElementById('stage')!.textContent = `stage ${config.stage}${config.allowActions ? ' · actions allowed' : ' · read-only'}`;
  window.addEventListener('hashchange', () => void draw());
  const events = new EventSource('/api/events');
  events.addEventListener('overview', (event) => {
    overview = JSON.parse((event as MessageEvent<string>).data) as Overview;
    showRead(overview.readAt);
    void draw(); // the run page is read again too: its figures move with the overview's
  });
  // a poll that found nothing new: the page is still live, and says when it last read
  events.addEventListener('read', (event) => showRead((JSON.parse((event as MessageEvent<string>).data) as { readAt: string }).readAt));
  events.addEventListener('error', () => {
    live.textContent = 'disconnected: retrying…';
    live.classList.remove('on');
  });
}

void main();
