const DAY_SECONDS = 86_400;
const WATERMARK = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Where an incremental run starts reading: the watermark moved back by `lookbackSeconds`, so rows
 * that arrived late with a cursor below the watermark are read on the next run (dlt calls it
 * `lag`). Rows read again are exact: the load's merge counts one that is not newer than what the
 * table holds as a collapsed duplicate and changes nothing. The watermark keeps its text form
 * (`YYYY-MM-DD HH:MM:SS`, or `YYYY-MM-DD` for a DATE cursor, moved back by whole days); a fraction
 * of a second is dropped, which only starts the read a little earlier.
 *
 * @example
 * cursorWithLookback('2026-10-31 00:59:22.5', 600) // '2026-10-31 00:49:22'
 */
export function cursorWithLookback(watermark: string | null, lookbackSeconds: number): string | null {
  if (watermark === null || lookbackSeconds === 0) return watermark;
  const match = WATERMARK.exec(watermark);
  if (!match) throw new Error(`watermark "${watermark}" is not a DATE or TIMESTAMP text: cannot move it back by a lookback`);
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const dateOnly = match[4] === undefined;
  const back = dateOnly ? Math.ceil(lookbackSeconds / DAY_SECONDS) * DAY_SECONDS : lookbackSeconds;
  const at = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second) - back * 1000);
  const date = `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  return dateOnly ? date : `${date} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
}
