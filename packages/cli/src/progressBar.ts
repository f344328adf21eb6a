import { SingleBar } from 'cli-progress';
import type { RunProgress } from '@etl/dev';

/**
 * Where a long command writes: on a terminal, a run's progress as one bar redrawn in place (and
 * other lines printed above it); otherwise plain lines, one per second, as a log file wants them.
 */
export function runOutput(stream: NodeJS.WriteStream): { log: (line: string) => void; progress?: (p: RunProgress) => void } {
  const print = (line: string) => stream.write(`${line}\n`);
  if (!stream.isTTY) return { log: print };
  let bar: SingleBar | undefined;
  let barRun: string | undefined;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
    barRun = undefined;
  };
  return {
    log: (line) => {
      stopBar(); // a line of its own, never inside the bar
      print(line);
    },
    progress: ({ runId, loaded, parts, queued, seconds }) => {
      const payload = {
        run: runId,
        parts: parts ?? '?',
        queues: `queued extract ${queued.extract} · transform ${queued.transform} · load ${queued.load}`,
        seconds: seconds.toFixed(0),
      };
      if (barRun !== runId) {
        stopBar();
        bar = new SingleBar({
          stream,
          format: '  {run} [{bar}] {value}/{parts} parts loaded · {queues} · {seconds} s',
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
        });
        bar.start(parts ?? 1, loaded, payload);
        barRun = runId;
      }
      bar!.setTotal(parts ?? Math.max(1, loaded));
      bar!.update(loaded, payload);
      if (parts !== null && loaded >= parts) stopBar();
    },
  };
}
