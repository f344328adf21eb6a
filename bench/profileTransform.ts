/**
 * The transform alone, for a CPU profile: `node --cpu-prof $(bundle of this) [rows] [runs]`
 * (run through `pnpm bench:profile-transform`). No floor, no other variant in the profile.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { orders } from '@etl/pipelines';
import { transformLines } from '@etl/transform';
import { gzipFile } from './floor';
import { ordersInput } from './inputs';

(async () => {
  const rows = Number(process.argv[2] ?? 200_000);
  const runs = Number(process.argv[3] ?? 5);
  const input = await ordersInput(rows, { log: console.log });
  const dir = mkdtempSync(path.join(tmpdir(), 'profile-transform-'));
  for (let run = 0; run < runs; run++) {
    const started = Date.now();
    const staged = gzipFile(path.join(dir, 'staged.csv.gz'));
    const quarantine = gzipFile(path.join(dir, 'quarantine.jsonl.gz'));
    await transformLines(
      orders,
      createReadStream(input.file).pipe(createGunzip()),
      { staged: staged.sink, quarantine: quarantine.sink },
      { sourceTag: 'staged/orders/bench/part-0.csv.gz', plainNumbers: true },
    );
    await Promise.all([staged.sink.end(), quarantine.sink.end()]);
    await Promise.all([staged.done, quarantine.done]);
    console.log(`run ${run + 1}: ${Date.now() - started} ms`);
  }
  rmSync(dir, { recursive: true, force: true });
})();
