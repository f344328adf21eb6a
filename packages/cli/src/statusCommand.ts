import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { pipelines } from '@etl/pipelines';
import { recentRuns, watermarks } from '@etl/warehouse';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';
import { runState } from './runsCommand';

/** `etl status`: per pipeline its last run, watermark and schedule; per queue its depth, in flight and DLQ. */
export async function statusCommand(target: Target): Promise<CommandOutput> {
  const [runs, marks, queueUrls] = await Promise.all([
    recentRuns(target.warehouse, { limit: 1000 }),
    watermarks(target.warehouse),
    target.queues(),
  ]);
  const pipelineRows = Object.values(pipelines).map((pipeline) => {
    const last = runs.find((run) => run.pipeline === pipeline.name);
    const mark = marks.find((m) => m.pipeline === pipeline.name);
    return {
      pipeline: pipeline.name,
      lastRun: last?.runId ?? null,
      state: last ? runState(last) : 'never run',
      watermark: mark?.cursor ?? null,
      schedule: pipeline.schedule ?? null,
    };
  });
  const queueRows = await Promise.all(
    Object.entries(queueUrls)
      .filter(([name]) => !name.endsWith('-dlq'))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(async ([name, url]) => {
        const depth = async (queueUrl: string | undefined) => {
          if (!queueUrl) return { visible: 0, inFlight: 0 };
          const { Attributes = {} } = await target.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: queueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          return {
            visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
            inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
          };
        };
        const [queue, dlq] = await Promise.all([depth(url), depth(queueUrls[`${name}-dlq`])]);
        return { queue: name, visible: queue.visible, inFlight: queue.inFlight, deadLetters: dlq.visible + dlq.inFlight };
      }),
  );
  const text = [
    renderTable(
      ['pipeline', 'last run', 'state', 'watermark', 'schedule'],
      pipelineRows.map((p) => [p.pipeline, p.lastRun ?? '', p.state, p.watermark ?? '(none)', p.schedule ?? '(invoked)']),
    ),
    queueRows.length === 0
      ? `no queues on ${target.stage}: run the pipeline once (pnpm dev) to create them`
      : renderTable(
          ['queue', 'waiting', 'in flight', 'in DLQ'],
          queueRows.map((q) => [q.queue, q.visible, q.inFlight, q.deadLetters]),
        ),
  ].join('\n');
  return { json: { stage: target.stage, pipelines: pipelineRows, queues: queueRows }, text };
}
