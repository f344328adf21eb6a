/**
 * The extract alone, for a CPU profile: the sample orders API and the local S3 in other
 * processes' stead... (the API runs here, in a child process), `extractRun` of `httpRecords` here.
 *   node --cpu-prof -r esbuild-register bench/profileExtract.ts [rows]
 */
import { fork } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { extractRun, httpRecords } from '@etl/extract';
import { LOCAL_CREDENTIALS } from '@etl/local-aws';
import { startTestStack } from '@etl/local-aws/testing';
import { withRetry } from '@etl/middleware';
import { orders, sampleLines, startOrdersApi } from '@etl/pipelines';
import { timedWithCpu } from './processCpu';

if (process.argv[2] === 'api') {
  void startOrdersApi(sampleLines({ seed: 1, count: Number(process.argv[3]) })).then((api) => process.send!(api.url));
} else {
  (async () => {
    const rows = Number(process.argv[2] ?? 300_000);
    const child = fork(__filename, ['api', String(rows)], { execArgv: ['-r', 'esbuild-register'] });
    const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))));
    const stack = await startTestStack('pglite');
    const s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const source = orders.source as Extract<typeof orders.source, { kind: 'http' }>;
    for (let run = 0; run < 3; run++) {
      const { ms, cpuSeconds } = await timedWithCpu(() =>
        extractRun(s3, {
          bucket: 'bench',
          pipeline: orders,
          runId: `20261206T10000${run}Z-extract`,
          since: null,
          records: httpRecords(source, { url, since: null, retry: withRetry }),
        }),
      );
      console.log(`run ${run + 1}: ${ms.toFixed(0)} ms, ${(cpuSeconds * 1000).toFixed(0)} ms CPU here`);
    }
    child.kill();
    s3.destroy();
    await stack.cleanup();
  })();
}
