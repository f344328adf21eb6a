import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { digestTap, gunzipInPieces, gzipUpload } from '@etl/files';
import { dataKeys, EtlError } from '@etl/contracts';
import type { ObjectPointer, RawFileReady, StagedFileReady } from '@etl/contracts';
import type { Pipeline } from '@etl/pipeline-kit';
import { transformLines } from './transformLines';
import type { TransformCounts } from './transformLines';

/** The raw file is not what its message said: a changed or truncated object. */
export class ClaimCheckMismatch extends EtlError {
  override readonly name = 'ClaimCheckMismatch';
  readonly code = 'CLAIM_CHECK_MISMATCH';
  readonly retry = 'permanent';
}

/**
 * Transforms one raw file in S3 into its staged file (`staged/…csv.gz`) and quarantine
 * (`quarantine/…jsonl.gz`, removed again when no row was rejected), streaming end to end, and
 * returns the message for the load stage. The raw file must match its claim check (SHA-256 of
 * its bytes, row count). Re-running it for the same raw file writes the same keys.
 *
 * @throws {ClaimCheckMismatch} when the raw object is not what the message says.
 */
export async function transformFile(
  s3: S3Client,
  pipeline: Pipeline,
  message: RawFileReady,
  options: { dedupeBlockRows?: number } = {},
): Promise<StagedFileReady> {
  const { bucket } = message.file;
  const stagedKey = dataKeys.staged(message.pipeline, message.runId, message.part);
  const quarantineKey = dataKeys.quarantine(message.pipeline, message.runId, message.part);
  const raw = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: message.file.key }))).Body as Readable;
  const rawTap = digestTap();
  const gunzip = gunzipInPieces();
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(rawTap.stream).pipe(gunzip);

  const staged = gzipUpload(s3, bucket, stagedKey, 'text/csv');
  const quarantine = gzipUpload(s3, bucket, quarantineKey, 'application/x-ndjson');
  const work = (async (): Promise<TransformCounts> => {
    try {
      return await transformLines(
        pipeline,
        gunzip,
        { staged: staged.sink, quarantine: quarantine.sink },
        { sourceTag: stagedKey, dedupeBlockRows: options.dedupeBlockRows, plainNumbers: message.numbers === 'plain' },
      );
    } finally {
      await Promise.all([staged.sink.end(), quarantine.sink.end()]);
    }
  })();
  const [counts, stagedFile, quarantineFile] = await Promise.all([work, staged.done(), quarantine.done()]);

  const rawFile = rawTap.result();
  if (rawFile.sha256 !== message.file.sha256 || rawFile.bytes !== message.file.bytes) {
    throw new ClaimCheckMismatch(
      `s3://${bucket}/${message.file.key} is ${rawFile.bytes} bytes with SHA-256 ${rawFile.sha256}; the message says ${message.file.bytes} bytes, ${message.file.sha256}`,
    );
  }
  if (counts.rowsIn !== message.file.rows) {
    throw new ClaimCheckMismatch(`s3://${bucket}/${message.file.key} holds ${counts.rowsIn} rows; the message says ${message.file.rows}`);
  }
  let quarantinePointer: ObjectPointer | null = null;
  if (counts.rowsRejected > 0) quarantinePointer = { bucket, key: quarantineKey, rows: counts.rowsRejected, ...quarantineFile };
  else await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: quarantineKey }));

  return {
    kind: 'staged-file-ready',
    version: 1,
    pipeline: message.pipeline,
    runId: message.runId,
    run: message.run,
    part: message.part,
    source: message.file,
    staged: { bucket, key: stagedKey, rows: counts.rowsStaged, ...stagedFile },
    quarantine: quarantinePointer,
    accounting: {
      rowsIn: counts.rowsIn,
      rowsStaged: counts.rowsStaged,
      rowsRejected: counts.rowsRejected,
      duplicatesCollapsed: counts.duplicatesCollapsed,
    },
    rejectsByRule: counts.rejectsByRule,
    ...(pipeline.drift === 'add-columns' ? { addedFields: counts.addedFields } : {}),
    extractedAt: message.extractedAt,
    transformedAt: new Date().toISOString(),
  };
}
