import { queueDepth } from '@etl/dev';
import { pipelines } from '@etl/pipelines';
import { recentRuns, watermarks } from '@etl/warehouse';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';
import { runState } from './runsCommand';
import { readWaitingRuns, waitingState } from './waitingRuns';

/** A pipeline as `etl status` shows it. */
export interface PipelineStatus {
  pipeline: string;
  lastRun: string | null;
  state: string;
  watermark: string | null;
  /** The planner's schedule (e.g. `rate(1 hour)`), null when it is only invoked. */
  schedule: string | null;
  drift: string;
}

/** A work queue as `etl status` shows it: messages waiting, in flight, and in its DLQ. */
export interface QueueStatus {
  queue: string;
  visible: number;
  inFlight: number;
  deadLetters: number;
}

/** Every defined pipeline with its last run, its state and its committed watermark. */
export async function pipelineStatus(target: Target): Promise<PipelineStatus[]> {
  const [runs, marks, waiting] = await Promise.all([
    recentRuns(target.warehouse, { limit: 1000 }),
    watermarks(target.warehouse),
    readWaitingRuns(target),
  ]);
  return Object.values(pipelines).map((pipeline) => {
    const last = runs.find((run) => run.pipeline === pipeline.name);
    // a run held up before the ledger knows it is newer than the last one it lists
    const held = waiting.find((w) => w.pipeline === pipeline.name && (!last || w.runId >= last.runId));
    return {
      pipeline: pipeline.name,
      lastRun: held?.runId ?? last?.runId ?? null,
      state: held ? waitingState(held) : last ? runState(last) : 'never run',
      watermark: marks.find((m) => m.pipeline === pipeline.name)?.cursor ?? null,
      schedule: pipeline.schedule ?? null,
      drift: pipeline.drift,
    };
  });
}

/** Every work queue of the stage (by name) with its depth and its DLQ's. */
export async function queueStatus(target: Target): Promise<QueueStatus[]> {
  const queueUrls = await target.queues();
  return Promise.all(
    Object.entries(queueUrls)
      .filter(([name]) => !name.endsWith('-dlq'))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(async ([name, url]) => {
        const [queue, dlq] = await Promise.all([queueDepth(target.sqs, url), queueDepth(target.sqs, queueUrls[`${name}-dlq`])]);
        return { queue: name, visible: queue.visible, inFlight: queue.inFlight, deadLetters: dlq.visible + dlq.inFlight };
      }),
  );
}

/** `etl status`: per pipeline its last run, watermark and schedule; per queue its depth, in flight and DLQ. */
export async function statusCommand(target: Target): Promise<CommandOutput> {
  const [pipelineRows, queueRows] = await Promise.all([pipelineStatus(target), queueStatus(target)]);
  const text = [
    renderTable(
      ['pipeline', 'last run', 'state', 'watermark', 'schedule', 'drift'],
      pipelineRows.map((p) => [p.pipeline, p.lastRun ?? '', p.state, p.watermark ?? '(none)', p.schedule ?? '(invoked)', p.drift]),
    ),
    queueRows.length === 0
      ? `no queues on ${target.stage}: run the pipeline once (pnpm dev) to create them`
      : renderTable(
          ['queue', 'waiting', 'in flight', 'in DLQ'],
          queueRows.map((q) => [q.queue, q.visible, q.inFlight, q.deadLetters]),
        ),
    ...(target.services
      ? [`services: running in the background since ${target.services.startedAt} (pid ${target.services.pid}; etl down stops them)`]
      : []),
  ].join('\n');
  return { json: { stage: target.stage, pipelines: pipelineRows, queues: queueRows, services: target.services ?? null }, text };
}
