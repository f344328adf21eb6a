import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { orders } from '@etl/pipelines';
import { transformLines } from '@etl/transform';
import { gzipFile, rawFloor } from './floor';
import { ordersInput } from './inputs';
(async () => {
  const input = await ordersInput(200000, { log: () => undefined });
  const which = process.argv[2];
  for (let i = 0; i < 4; i++) {
    const t = process.hrtime.bigint();
    if (which === 'floor') await rawFloor(input.file, '/tmp/prof/floor.csv.gz');
    else {
      const staged = gzipFile('/tmp/prof/staged.csv.gz');
      const quarantine = gzipFile('/tmp/prof/q.jsonl.gz');
      await transformLines(orders, createReadStream(input.file).pipe(createGunzip()), { staged: staged.sink, quarantine: quarantine.sink }, { sourceTag: 'staged/orders/bench/part-0.csv.gz' });
      await Promise.all([staged.sink.end(), quarantine.sink.end()]);
      await Promise.all([staged.done, quarantine.done]);
    }
    console.log(which, Number(process.hrtime.bigint() - t) / 1e6);
  }
})();
