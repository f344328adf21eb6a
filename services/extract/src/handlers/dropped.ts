import type { S3Event } from 'aws-lambda';
import { announceRun, droppedFile, dropRecords, dropRunId, extractRun } from '@etl/extract';
import { cachedClients, lambdaHandler, requireEnv, s3Client, sqsClient } from '@etl/middleware';
import { pipelines } from '@etl/pipelines';

const clients = cachedClients({ s3: s3Client, sqs: sqsClient });

/**
 * S3 `ObjectCreated` under `landing/`: a dropped CSV or JSON Lines file (gzip or not) of an
 * `s3-drop` pipeline becomes one extract run — raw parts, run manifest — announced to transform.
 * A redelivered event for the same object version makes the same run again (the load skips it).
 * A failed invocation is retried by Lambda, then kept by its on-failure destination.
 */
export const handler = lambdaHandler({
  service: 'extract',
  handle: async (event: S3Event, { logger, retry }) => {
    let runs = 0;
    for (const record of event.Records) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const drop = droppedFile(pipelines, key);
      if (!drop) {
        logger.warn(
          'no pipeline takes this file: left where it is (put it under landing/<pipeline>/ named .jsonl, .ndjson, .json or .csv, optionally .gz)',
          { key },
        );
        continue;
      }
      const runId = dropRunId(key, record.s3.object.eTag, record.eventTime);
      const bucket = record.s3.bucket.name;
      const manifest = await extractRun(clients().s3, {
        bucket,
        pipeline: drop.pipeline,
        runId,
        since: null,
        // a file is not the pipeline's source read up to a point: whatever its rows, it never moves the watermark
        movesWatermark: false,
        origin: { kind: 'file', key },
        records: dropRecords(clients().s3, bucket, key, drop.source, drop.pipeline),
      });
      await announceRun(clients().sqs, requireEnv('TRANSFORM_QUEUE_URL'), manifest, retry);
      logger.info('dropped file extracted', {
        key,
        pipeline: drop.pipeline.name,
        runId,
        rows: manifest.parts.reduce((sum, p) => sum + p.file.rows, 0),
      });
      runs++;
    }
    return { runs };
  },
});
