import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { orders } from '@etl/pipelines';
import { compileRowValidator } from '@etl/pipeline';
import { CSV_NULL, csvField } from '@etl/files';
import { DedupeBlock } from '../packages/transform/src/dedupeBlock';
import { DedupeBlock2 } from '../packages/transform/src/_dedupe2';
const raw = gunzipSync(readFileSync('.bench/inputs/orders-200000.jsonl.gz'));
const lines: Buffer[] = [];
let s = 0; for (let i = raw.indexOf(10); i >= 0; s = i + 1, i = raw.indexOf(10, s)) lines.push(raw.subarray(s, i));
const validate = compileRowValidator(orders);
const mayNeedQuotes = [true, true, false, false, false, true, true, true, true, false, false];
const stages: Record<string, () => number> = {
  parse: () => { let n = 0; for (const b of lines) { try { const r = JSON.parse(b.toString('utf8')); if (r) n++; } catch {} } return n; },
  floorjs: () => { let n = 0; let text = ''; for (const b of lines) { let r; try { r = JSON.parse(b.toString('utf8')); } catch { continue; } for (const v of Object.values(r)) text += `${csvField(v === null || v === undefined ? null : String(v))},`; text += '\n'; if (text.length > 65536) { n += text.length; text = ''; } } return n; },
  validate: () => { let n = 0; for (const b of lines) { let r; try { r = JSON.parse(b.toString('utf8')); } catch { continue; } const res = validate(r); if (res.ok) n++; } return n; },
  csv: () => { let n = 0; for (const b of lines) { let r; try { r = JSON.parse(b.toString('utf8')); } catch { continue; } const res = validate(r); if (!res.ok) continue; const values = res.values; for (let i = 0; i < values.length; i++) { const v = values[i]!; values[i] = v === null ? CSV_NULL : mayNeedQuotes[i] ? csvField(v) : v; } values.push('tag'); const csv = `${values.join(',')}\n`; n += csv.length; } return n; },
  dedupe: () => { let n = 0; const block = new DedupeBlock((c, cur) => c === cur || (c !== null && (cur === null || c > cur))); for (const b of lines) { let r; try { r = JSON.parse(b.toString('utf8')); } catch { continue; } const res = validate(r); if (!res.ok) continue; const values = res.values; const key = values[0]!; const rank = values[9]!; for (let i = 0; i < values.length; i++) { const v = values[i]!; values[i] = v === null ? CSV_NULL : mayNeedQuotes[i] ? csvField(v) : v; } values.push('tag'); const csv = `${values.join(',')}\n`; block.add(key, rank, csv); if (block.rows >= 20000) n += block.take().length; } return n; },
  dedupe2: () => { let n = 0; const block = new DedupeBlock2((c, cur) => c === cur || (c !== null && (cur === null || c > cur))); for (const b of lines) { let r; try { r = JSON.parse(b.toString('utf8')); } catch { continue; } const res = validate(r); if (!res.ok) continue; const values = res.values; const key = values[0]!; const rank = values[9]!; for (let i = 0; i < values.length; i++) { const v = values[i]!; values[i] = v === null ? CSV_NULL : mayNeedQuotes[i] ? csvField(v) : v; } values.push('tag'); const csv = values.join(','); block.add(key, rank, csv); if (block.rows >= 20000) n += block.take().length; } return n; },
};
for (const name of process.argv.slice(2)) {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) { const t = process.hrtime.bigint(); stages[name]!(); times.push(Number(process.hrtime.bigint() - t) / 1e6); }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(10), times[3]!.toFixed(0), 'ms median', times.map((t) => t.toFixed(0)).join(' '));
}
