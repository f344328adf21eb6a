/**
 * The `etl` commands (bin/etl.ts loads this): `etl --help` lists them. Local by default (the
 * stack on .local, started for the command if none runs); `--stage <name>` talks to a deployed
 * stage through the AWS SDK's default credentials.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  checkCommand,
  invalidDefinitions,
  invalidDefinitionsLine,
  connect,
  dlqCommand,
  printOutput,
  quarantineCommand,
  queryCommand,
  streamWriter,
  backfillCommand,
  replayCommand,
  runsCommand,
  showCommand,
  startDashboard,
  statusCommand,
} from '../src';
import type { CommandOutput, QueryFormat, Target } from '../src';
import { pipelineNamed } from '@etl/pipelines';
import { dropFilesLocally, runLocally, stopBackgroundServices } from '@etl/dev';
import { expandFiles } from '../src/expandFiles';
import { failureLine } from '../src/output';
import { runOutput } from '../src/progressBar';
import { scaffoldPipeline } from '../src/newPipeline';
import { REPO_ROOT } from '@etl/harness';
import { portHolder } from '@etl/local-aws';
import { backfillRange, sourceKindOf, sourceKinds, sourceParams, sourceProblems } from '@etl/extract';

/**
 * A pipeline the commands may run: registered, valid, and its source as its kind accepts it — and
 * every registered definition parses, since the services' bundles compile each of them.
 */
function runnablePipeline(name: string) {
  const unparsed = invalidDefinitions().find((d) => d.doesNotParse);
  if (unparsed)
    throw new Error(
      `pipeline ${unparsed.name}${unparsed.where ? ` (${unparsed.where})` : ''} ${unparsed.problems[0]}: the services bundle every registered definition, so no pipeline runs until it parses — fix it, or take its line out of packages/pipelines/src/index.ts`,
    );
  const pipeline = pipelineNamed(name);
  const problems = sourceProblems(pipeline);
  if (problems.length > 0) throw new Error(`pipeline ${name} is not valid: ${problems.join('; ')} — etl check lists every problem`);
  return pipeline;
}

const program = new Command('etl')
  .description('Run and operate the ETL pipelines, locally or on a deployed stage.')
  .option('--stage <name>', 'a deployed stage (default: the local stack)')
  .option('--dir <path>', 'the local stack’s state folder (default .local)')
  .option('--workgroup <name>', 'deployed: the Redshift Serverless workgroup (or ETL_WAREHOUSE_WORKGROUP)')
  .option('--json', 'print JSON for scripts instead of tables')
  .showHelpAfterError()
  // an invalid definition is named in one line and left out; every other pipeline works (etl check says why)
  .hook('preAction', (_, command) => {
    const line = command.name() === 'check' ? undefined : invalidDefinitionsLine();
    if (line) console.error(line);
  });

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number ≥ 1');
  return n;
};

const portNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('a port from 0 (any free one) to 65535');
  return n;
};

/** Runs a command against the stage the global options name, prints its output, closes the clients. */
async function against(command: (target: Target) => Promise<CommandOutput>): Promise<void> {
  const options = program.opts<{ stage?: string; dir?: string; workgroup?: string; json?: boolean }>();
  const target = await connect({ ...options, log: (line) => console.error(`▸ ${line}`) });
  try {
    printOutput(await command(target), options.json ?? false);
  } finally {
    await target.close();
  }
}

program
  .command('check')
  .description('validate every pipeline definition (the check packaging runs)')
  .action(() => {
    const checked = checkCommand();
    printOutput(checked, program.opts<{ json?: boolean }>().json ?? false);
    if (!checked.valid) process.exitCode = 1;
  });
program
  .command('new <name>')
  .description('scaffold a pipeline definition, its test and its registration (packages/pipelines/src)')
  .requiredOption(
    '--source <kind>',
    `where its rows come from: ${sourceKinds()
      .map((k) => k.scaffoldName)
      .join(', ')}`,
  )
  .action((name: string, options: { source: string }) => {
    const made = scaffoldPipeline(REPO_ROOT, name, options.source);
    printOutput(
      {
        json: made,
        text: [
          `✔ pipeline ${name}:`,
          ...made.files.map((f) => `  wrote ${f}`),
          'next:',
          ...made.nextSteps.map((s, i) => `  ${i + 1}. ${s}`),
        ].join('\n'),
      },
      program.opts<{ json?: boolean }>().json ?? false,
    );
  });
program
  .command('status')
  .description('per pipeline: last run, its state, watermark, schedule; per queue: waiting, in flight, in DLQ')
  .action(() => against(statusCommand));
program
  .command('runs <pipeline>')
  .description('the newest runs of a pipeline, rows stage by stage')
  .option('--limit <n>', 'how many', positive, 10)
  .action((pipeline: string, options: { limit: number }) => {
    pipelineNamed(pipeline); // before connecting: a clear error at once
    return against((target) => runsCommand(target, pipeline, options.limit));
  });
program
  .command('quarantine <run>')
  .description('the rejected rows of a run: field, rule, reason and raw line')
  .option('--rule <rule>', 'only rows rejected by this rule (e.g. range, timestamp, unknown-field)')
  .option('--limit <n>', 'at most this many rows', positive, 50)
  .option('--pipeline <name>', 'the run’s pipeline (default: found from the run id)')
  .action((run: string, options: { rule?: string; limit: number; pipeline?: string }) =>
    against((target) => quarantineCommand(target, run, options)),
  );
program
  .command('query <sql>')
  .description('run one SQL statement on the warehouse and stream its result (a table on a terminal, else CSV)')
  .option('--csv', 'a header line, then one CSV row per row (NULL: an empty field; "": a quoted empty string)')
  .option('--jsonl', 'one JSON array per row')
  .option('--table', 'a table even when the output is not a terminal (at most 1,000 rows)')
  .action(async (sql: string, options: { csv?: boolean; jsonl?: boolean; table?: boolean }) => {
    const global = program.opts<{ stage?: string; dir?: string; workgroup?: string; json?: boolean }>();
    const format: QueryFormat = global.json
      ? 'json'
      : options.jsonl
        ? 'jsonl'
        : options.csv
          ? 'csv'
          : options.table || process.stdout.isTTY
            ? 'table'
            : 'csv';
    const target = await connect({ ...global, log: (line) => console.error(`▸ ${line}`) });
    try {
      await queryCommand(target, sql, format, streamWriter(process.stdout));
    } finally {
      await target.close();
    }
  });

program
  .command('show <run>')
  .description('one run: its files with every row accounted for, its rejects by rule, its load statements and their timings')
  .action((run: string) => against((target) => showCommand(target, run)));
program
  .command('dashboard')
  .description('a web page of pipelines, runs, row accounting, quarantine and queues, live (binds 127.0.0.1)')
  .option('--port <n>', 'the port (0: a free one)', portNumber, 4700)
  .option('--allow-actions', 'offer redrive and replay (the page only reads otherwise)')
  .action(async (options: { port: number; allowActions?: boolean }) => {
    const global = program.opts<{ stage?: string; dir?: string; workgroup?: string }>();
    const target = await connect({ ...global, log: (line) => console.error(`▸ ${line}`) });
    const dashboard = await startDashboard({
      target,
      port: options.port,
      allowActions: options.allowActions,
      log: (line) => console.error(line),
    });
    console.log(`▶ dashboard ${dashboard.url} on ${target.stage}${options.allowActions ? ' (actions allowed)' : ''}: Ctrl-C stops it`);
    const stop = () =>
      void dashboard
        .stop()
        .then(() => target.close())
        .then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
program
  .command('dlq')
  .description('the dead-letter queues and what they hold; --redrive moves their messages back to be processed again')
  .option('--redrive', 'move every dead-lettered message back to its source queue')
  .action((options: { redrive?: boolean }) => against((target) => dlqCommand(target, options)));
/** `etl run` and `etl replay`: a LocalPipeline for one run, progress on stderr with --json. */
async function runOnTheLocalStack(
  name: string,
  options: {
    sourceUrl?: string;
    files?: string[];
    freePorts?: boolean;
    once?: boolean;
    replay?: string;
    backfill?: { from: string | null; to: string };
  },
): Promise<void> {
  const pipeline = runnablePipeline(name);
  const global = program.opts<{ stage?: string; dir?: string; json?: boolean }>();
  if (global.stage && global.stage !== 'local') {
    const { replay, backfill } = options;
    if (replay) return against((target) => replayCommand(target, name, replay)); // the deployed services do the rest
    if (backfill) return against((target) => backfillCommand(target, name, backfill));
    throw new Error(
      `etl run works on the local stack; on stage ${global.stage} invoke etl-extract-${global.stage}-planner with {"pipeline":"${name}"}`,
    );
  }
  const run = {
    pipeline,
    sourceParams: options.sourceUrl ? sourceParams(pipeline, options.sourceUrl) : {},
    dir: global.dir,
    fixedPorts: !options.freePorts,
    background: !options.once, // the next command reuses the services: planned in ~1 s, not ~12 s
    databaseUrl: process.env.DATABASE_URL || undefined,
    handleSignals: true,
    replay: options.replay,
    backfill: options.backfill,
    // with --json, stdout is the summary alone: progress goes to stderr; a bar on a terminal
    ...runOutput(global.json ? process.stderr : process.stdout),
  };
  if (options.files && options.sourceUrl) throw new Error('--files and --source-url name two sources: give one');
  // a pipeline fed by dropped files has nothing to plan: say so before any service starts
  if (!sourceKindOf(pipeline).queue && !options.files && !options.replay)
    throw new Error(
      `${name} reads ${sourceKindOf(pipeline).label}: its runs start when a file lands, so give them with --files <paths…> (etl run ${name} --files data/*.csv)`,
    );
  // --json: one summary, or with --files one per file (each file is a run of its own)
  const summary = options.files ? await dropFilesLocally({ ...run, files: expandFiles(options.files) }) : await runLocally(run);
  if (global.json) console.log(JSON.stringify(summary));
}

program
  .command('run <pipeline>')
  .description('run a pipeline on the local stack: incrementally from its watermark against its source or --source-url, or from --files')
  .option('--source-url <url>', 'your source: http(s)://… for an HTTP API, postgres://… or mysql://… for a database')
  .option('--files <paths...>', 'local JSON Lines or CSV files (gzip or not; globs too), each loaded as a run through the S3-drop path')
  .option('--free-ports', 'run the services on free ports (beside another pnpm dev or etl run)')
  .option(
    '--once',
    'stop the services at the end of this command (default: they keep running in the background for the next one; etl down stops them)',
  )
  .action((name: string, options: { sourceUrl?: string; files?: string[]; freePorts?: boolean; once?: boolean }) =>
    runOnTheLocalStack(name, options),
  );
program
  .command('backfill <pipeline>')
  .description('re-extract a cursor range [--from, --to) through the normal path; the watermark is never moved back')
  .option('--from <cursor>', 'the range’s start, a value of the pipeline’s cursor (default: the beginning)')
  .requiredOption('--to <cursor>', 'the range’s end (exclusive)')
  .option('--source-url <url>', 'your source, as for etl run')
  .option('--free-ports', 'run the services on free ports (beside another pnpm dev or etl run)')
  .option(
    '--once',
    'stop the services at the end of this command (default: they keep running in the background for the next one; etl down stops them)',
  )
  .action((name: string, options: { from?: string; to: string; sourceUrl?: string; freePorts?: boolean; once?: boolean }) => {
    const pipeline = runnablePipeline(name);
    const range = backfillRange(pipeline, { from: options.from ?? null, to: options.to }); // a clear error before anything starts
    return runOnTheLocalStack(name, { ...options, backfill: { from: range.from, to: range.until } });
  });
program
  .command('replay <pipeline> <run>')
  .description('announce a run’s raw files again and follow them through transform and load (files already loaded load nothing)')
  .option('--free-ports', 'run the services on free ports (beside another pnpm dev or etl run)')
  .option(
    '--once',
    'stop the services at the end of this command (default: they keep running in the background for the next one; etl down stops them)',
  )
  .action((name: string, run: string, options: { freePorts?: boolean; once?: boolean }) =>
    runOnTheLocalStack(name, { ...options, replay: run }),
  );
program
  .command('down')
  .description(
    'stop the services etl run left running in the background on the local stack (the stack pnpm local:up started keeps running)',
  )
  .action(async () => {
    const global = program.opts<{ stage?: string; dir?: string; json?: boolean }>();
    if (global.stage && global.stage !== 'local') throw new Error(`etl down stops local services; stage ${global.stage} runs in AWS`);
    const dir = path.resolve(global.dir ?? path.join(REPO_ROOT, '.local'));
    const stopped = await stopBackgroundServices(dir);
    printOutput(
      {
        json: { dir, stopped: stopped ?? null },
        text: stopped
          ? `✔ stopped the services running in the background on ${dir} (pid ${stopped.pid}, since ${stopped.startedAt})`
          : `▶ no services run in the background on ${dir}`,
      },
      global.json ?? false,
    );
  });

/** What to do about a port another process holds: which process — for a local stack, which folder's — and the flag that avoids it. */
function portTakenHint(message: string): string | undefined {
  const port = /port (\d+) on \S+ \([^)]*\) is taken by another process/.exec(message)?.[1];
  if (!port) return undefined;
  const holder = portHolder(Number(port));
  const dir = holder && holder.command.indexOf('--dir') >= 0 ? holder.command[holder.command.indexOf('--dir') + 1] : undefined;
  const who = !holder
    ? 'another pnpm dev or etl run may hold it'
    : dir
      ? `the local stack of the folder ${dir} holds it (pid ${holder.pid}): etl --dir ${dir} down stops its services, pnpm local:down --dir ${dir} its stack`
      : `pid ${holder.pid} holds it (${holder.command.join(' ').slice(0, 120)})`;
  return `  ${who}; etl run … --free-ports runs beside it`;
}

program.parseAsync().catch((error: unknown) => {
  console.error(`✘ etl: ${failureLine(error)}`);
  const hint = portTakenHint(String((error as Error)?.message));
  if (hint) console.error(hint);
  process.exit(1);
});
