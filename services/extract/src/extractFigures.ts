import type { ExtractTask, RawPart } from '@etl/contracts';
import type { ExtractTaskOutcome } from '@etl/extract';
import type { Logger } from '@etl/middleware';

const figures = (parts: RawPart[]) => ({
  RowsExtracted: parts.reduce((sum, p) => sum + p.file.rows, 0),
  RawFiles: parts.length,
  RawBytes: parts.reduce((sum, p) => sum + p.file.bytes, 0),
});

/** The metrics and log lines of one extract task, the same for every source kind. */
export function extractFigures(
  outcome: ExtractTaskOutcome,
  task: ExtractTask,
  started: number,
  { logger, emitMetrics }: { logger: Logger; emitMetrics: (values: Record<string, number>) => void },
): void {
  const seconds = (Date.now() - started) / 1000;
  if (outcome.extracted) emitMetrics(figures(outcome.extracted));
  if (task.slice)
    logger.info('slice extracted', {
      slice: task.slice.index,
      of: task.slice.count,
      ...(outcome.extracted ? figures(outcome.extracted) : { again: true }),
      seconds,
    });
  if (outcome.announced)
    logger.info('run announced', { ...figures(outcome.announced.parts), cursorHigh: outcome.announced.cursorHigh, seconds });
}
