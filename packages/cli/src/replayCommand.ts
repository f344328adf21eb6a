import { pipelineNamed } from '@etl/pipelines';
import type { Target } from './target';
import type { CommandOutput } from './output';

/**
 * Announces a run's raw files again through the extract service's `publishRun` function: the
 * transform and load process them once more, and files already loaded load nothing. Returns at
 * once; the run's figures show in `etl runs` / the dashboard as the queues drain.
 */
export async function replayRun(target: Target, pipeline: string, runId: string): Promise<{ published: number }> {
  pipelineNamed(pipeline);
  if (!target.invokeExtract)
    throw new Error(
      `the extract service is not running on ${target.stage}: etl replay ${pipeline} ${runId} starts the services and follows the replay`,
    );
  return target.invokeExtract<{ published: number }>('publishRun', { pipeline, runId });
}

/** `etl replay <pipeline> <run> --stage X`: the replay on a deployed stage (locally `etl replay` also runs the services and follows it). */
export async function replayCommand(target: Target, pipeline: string, runId: string): Promise<CommandOutput> {
  const { published } = await replayRun(target, pipeline, runId);
  return {
    json: { pipeline, runId, published },
    text: `▶ run ${runId} of ${pipeline}: ${published} raw file(s) announced again; follow them with etl runs ${pipeline} or etl status`,
  };
}

/** `etl backfill <pipeline> --from X --to Y --stage S`: asks the stage's planner for the backfill run; its services do the rest. */
export async function backfillCommand(
  target: Target,
  pipeline: string,
  backfill: { from: string | null; to: string },
): Promise<CommandOutput> {
  pipelineNamed(pipeline);
  if (!target.invokeExtract)
    throw new Error(`the extract service is not running on ${target.stage}: etl backfill ${pipeline} runs it locally`);
  const answer = await target.invokeExtract<{ planned?: { runId: string }; skipped?: string }>('planner', { pipeline, backfill });
  if (!answer.planned) throw new Error(`no backfill planned for ${pipeline}: ${answer.skipped ?? 'the planner said nothing'}`);
  return {
    json: answer,
    text: `▶ backfill run ${answer.planned.runId} of ${pipeline} planned, from ${backfill.from ?? '(the beginning)'} below ${backfill.to}: follow it with etl runs ${pipeline}`,
  };
}
