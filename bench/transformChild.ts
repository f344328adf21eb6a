/**
 * The transform step alone in a process, as a Lambda runs it: `transformFile` on one raw file in
 * (local) S3 reached through the AWS_* environment, named by the raw-file-ready message in
 * argv[2]. Prints one JSON line: duration, peak RSS, the accounting. With `--idle` it only
 * loads and reports its RSS (the baseline).
 */
import { contracts, parseMessage } from '@etl/contracts';
import { s3Client } from '@etl/middleware';
import { orders } from '@etl/pipelines';
import { transformFile } from '@etl/transform';
import { peakRssMb } from '@etl/tuning';

(async () => {
  if (process.argv[2] === '--idle') {
    console.log(JSON.stringify({ peakRssMb: peakRssMb() }));
    return;
  }
  const message = parseMessage(contracts.rawFileReady, process.argv[2]!);
  const s3 = s3Client(); // endpoint, region and credentials from the environment, as in a handler
  const started = process.hrtime.bigint();
  const staged = await transformFile(s3, orders, message);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  console.log(
    JSON.stringify({
      ms,
      peakRssMb: peakRssMb(),
      atEnd: { heapUsedMb: mb(heapUsed), heapTotalMb: mb(heapTotal), externalMb: mb(external), arrayBuffersMb: mb(arrayBuffers) },
      accounting: staged.accounting,
      stagedBytes: staged.staged.bytes,
    }),
  );
  s3.destroy();
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
