import { exampleRawFileReady } from '@etl/contracts';
import { describeOfflineWorker } from '@etl/local-aws/testing';

describeOfflineWorker({
  service: 'transform',
  worker: 'transformWorker',
  goodBodies: [0, 1, 2].map((part) => JSON.stringify(exampleRawFileReady({ part }))),
  malformedBodies: [
    'not json at all',
    JSON.stringify({ ...exampleRawFileReady(), kind: 'staged-file-ready' }),
    JSON.stringify({ ...exampleRawFileReady(), file: { ...exampleRawFileReady().file, key: 'staged/orders/x.csv.gz' } }),
    JSON.stringify({ ...exampleRawFileReady(), sha256: undefined, extra: true }),
  ],
});
