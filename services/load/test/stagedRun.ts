import type { S3Client } from '@aws-sdk/client-s3';
import type { StagedFileReady } from '@etl/contracts';
import { announcements, writeRawFile } from '@etl/extract';
import { orders, sampleOrder } from '@etl/pipelines';
import { transformFile } from '@etl/transform';

/**
 * A run of `orders` staged in the local S3 by the real extract writer and transform: `parts`
 * files of `rowsPerPart` orders each (order numbers part × 10 + 1…), and their messages for load.
 */
export async function stagedRun(
  s3: S3Client,
  { bucket, runId, parts, rowsPerPart = 3 }: { bucket: string; runId: string; parts: number; rowsPerPart?: number },
): Promise<StagedFileReady[]> {
  const raw = await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      writeRawFile(
        s3,
        { bucket, pipeline: 'orders', runId, part },
        Array.from({ length: rowsPerPart }, (_, n) => sampleOrder(part * 10 + n + 1)),
      ),
    ),
  );
  const announced = announcements({
    pipeline: 'orders',
    runId,
    cursorHigh: '2026-12-01 00:00:00',
    parts: raw,
    extractedAt: new Date().toISOString(),
  });
  return Promise.all(announced.map((message) => transformFile(s3, orders, message)));
}
