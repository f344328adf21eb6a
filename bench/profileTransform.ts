/**
 * The transform alone, for a CPU profile: `node --cpu-prof $(bundle of this) [rows] [runs]`
 * (run through `pnpm bench:profile-transform`). No floor, no other variant in the profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformOnce } from './floor';
import { ordersInput } from './inputs';

(async () => {
  const rows = Number(process.argv[2] ?? 200_000);
  const runs = Number(process.argv[3] ?? 5);
  const input = await ordersInput(rows, { log: console.log });
  const dir = mkdtempSync(path.join(tmpdir(), 'profile-transform-'));
  for (let run = 0; run < runs; run++) {
    const started = Date.now();
    await transformOnce(input.file, dir, true);
    console.log(`run ${run + 1}: ${Date.now() - started} ms`);
  }
  rmSync(dir, { recursive: true, force: true });
})();
