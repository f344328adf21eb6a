import { exampleStagedFileReady } from '@etl/contracts';
import { describeOfflineWorker } from '@etl/local-aws/testing';

describeOfflineWorker({
  service: 'load',
  worker: 'loadWorker',
  goodBodies: async () => [0, 1].map((part) => JSON.stringify(exampleStagedFileReady({ part }))),
  malformedBodies: [
    '{"truncated": ',
    JSON.stringify({ ...exampleStagedFileReady(), accounting: { rowsIn: 10, rowsStaged: 10, rowsRejected: 2, duplicatesCollapsed: 1 } }),
    JSON.stringify({ ...exampleStagedFileReady(), runId: 'yesterday' }),
  ],
});
