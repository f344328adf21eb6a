import { createHash, randomUUID } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { NotificationConfig } from './bucketNotifications';
import type { Readable } from 'node:stream';
import { Journal } from '../common/journal';
import { BlobFiles } from './blobFiles';
import type { WrittenBlob } from './blobFiles';
import { compareKeys, SortedKeys } from './objectKeys';
import { S3Error, s3Errors } from './s3Errors';
import { invalidBucketName, isValidBucketName } from './bucketCreation';

/** Headers S3 stores with an object and returns on GET/HEAD. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** `x-amz-meta-*`, names lower-cased without the prefix. */
  metadata: Record<string, string>;
  /** The object's tags (`x-amz-tagging`, PutObjectTagging). */
  tags?: Record<string, string>;
}

export interface ObjectChecksum {
  algorithm: 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';
  value: string;
}

export interface StoredObject extends ObjectHeaders {
  key: string;
  blob: string;
  size: number;
  /** Quoted, as in the ETag header. */
  etag: string;
  lastModified: number;
  /** Full-object checksums we can vouch for (always CRC32; others when the client sent them). */
  checksums: ObjectChecksum[];
  /** Number of parts for a multipart object. */
  parts?: number;
}

export interface UploadPart {
  number: number;
  blob: string;
  size: number;
  etag: string;
  md5: string;
  /** when it was uploaded (ListParts' LastModified); absent in journals written before it was kept */
  lastModified?: number;
}

export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  headers: ObjectHeaders;
  parts: Record<number, UploadPart>;
}

interface Bucket {
  name: string;
  created: number;
  objects: Map<string, StoredObject>;
  keys: SortedKeys;
  notification?: NotificationConfig;
  /** the bucket policy's text (PutBucketPolicy), a resource policy the stack evaluates */
  policy?: string;
}

type S3Record =
  | { t: 'bucket'; name: string; created: number }
  | { t: 'bucket-gone'; name: string }
  | { t: 'notification'; bucket: string; config: NotificationConfig }
  | { t: 'policy'; bucket: string; policy?: string }
  | { t: 'object'; bucket: string; object: StoredObject }
  | { t: 'object-gone'; bucket: string; key: string }
  | { t: 'upload'; upload: Omit<MultipartUpload, 'parts'> }
  | { t: 'part'; uploadId: string; part: UploadPart }
  | { t: 'upload-gone'; uploadId: string };

/** Write conditions, as the `If-Match` / `If-None-Match` headers of a PUT state them. */
export interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  /** Exclusive lower bound: from the continuation token or `start-after`. */
  after?: string;
}

export interface ListResult {
  objects: StoredObject[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or prefix returned, to continue after. */
  last?: string;
}

/** Smallest size of every part but the last, as S3 enforces it. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * The local S3's state: buckets, objects (bytes on disk in {@link BlobFiles}, metadata in
 * memory and in a journal) and multipart uploads. A restart replays the journal.
 */
export class S3Store {
  private readonly buckets = new Map<string, Bucket>();
  private readonly uploads = new Map<string, MultipartUpload>();
  private readonly blobs: BlobFiles;

  private constructor(
    dir: string,
    private journal: Journal<S3Record> | undefined,
  ) {
    this.blobs = new BlobFiles(path.join(dir, 'blobs'));
  }

  static async open(dir: string): Promise<S3Store> {
    const store = new S3Store(dir, undefined);
    await store.blobs.init();
    store.journal = await Journal.open<S3Record>(path.join(dir, 'journal.jsonl'), (record) => store.apply(record));
    const live = new Set<string>();
    for (const bucket of store.buckets.values()) for (const object of bucket.objects.values()) live.add(object.blob);
    for (const upload of store.uploads.values()) for (const part of Object.values(upload.parts)) live.add(part.blob);
    await store.blobs.collectGarbage(live);
    await store.journal.compact(store.snapshot());
    return store;
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }

  private apply(record: S3Record): void {
    switch (record.t) {
      case 'bucket':
        if (!this.buckets.has(record.name))
          this.buckets.set(record.name, { name: record.name, created: record.created, objects: new Map(), keys: new SortedKeys() });
        break;
      case 'bucket-gone':
        this.buckets.delete(record.name);
        break;
      case 'notification': {
        const bucket = this.buckets.get(record.bucket);
        if (bucket) bucket.notification = record.config;
        break;
      }
      case 'policy': {
        const bucket = this.buckets.get(record.bucket);
        if (bucket) bucket.policy = record.policy;
        break;
      }
      case 'object': {
        const bucket = this.buckets.get(record.bucket);
        if (!bucket) break;
        bucket.objects.set(record.object.key, record.object);
        bucket.keys.add(record.object.key);
        break;
      }
      case 'object-gone': {
        const bucket = this.buckets.get(record.bucket);
        bucket?.objects.delete(record.key);
        bucket?.keys.delete(record.key);
        break;
      }
      case 'upload':
        if (!this.uploads.has(record.upload.uploadId)) this.uploads.set(record.upload.uploadId, { ...record.upload, parts: {} });
        break;
      case 'part': {
        const upload = this.uploads.get(record.uploadId);
        if (upload) upload.parts[record.part.number] = record.part;
        break;
      }
      case 'upload-gone':
        this.uploads.delete(record.uploadId);
        break;
    }
  }

  /** Applies a change in memory and appends it to the journal; resolves once durable. */
  private commit(record: S3Record): Promise<void> {
    this.apply(record);
    return this.journal!.append(record);
  }

  private snapshot(): S3Record[] {
    const records: S3Record[] = [];
    for (const bucket of this.buckets.values()) {
      records.push({ t: 'bucket', name: bucket.name, created: bucket.created });
      if (bucket.notification) records.push({ t: 'notification', bucket: bucket.name, config: bucket.notification });
      if (bucket.policy !== undefined) records.push({ t: 'policy', bucket: bucket.name, policy: bucket.policy });
      for (const object of bucket.objects.values()) records.push({ t: 'object', bucket: bucket.name, object });
    }
    for (const { parts, ...upload } of this.uploads.values()) {
      records.push({ t: 'upload', upload });
      for (const part of Object.values(parts)) records.push({ t: 'part', uploadId: upload.uploadId, part });
    }
    return records;
  }

  // ---- buckets

  listBuckets(): { name: string; created: number }[] {
    return [...this.buckets.values()].map(({ name, created }) => ({ name, created })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates a bucket; false (and nothing changes) if it exists already, which the caller answers as S3 does. */
  async createBucket(name: string): Promise<boolean> {
    if (!isValidBucketName(name)) throw invalidBucketName(name);
    if (this.buckets.has(name)) return false;
    await this.commit({ t: 'bucket', name, created: Date.now() });
    return true;
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw s3Errors.noSuchBucket(name);
    return bucket;
  }

  async deleteBucket(name: string): Promise<void> {
    const bucket = this.bucket(name);
    if (bucket.objects.size > 0)
      throw new S3Error(409, 'BucketNotEmpty', `The bucket you tried to delete is not empty: ${name}`, { BucketName: name });
    await this.commit({ t: 'bucket-gone', name });
  }

  /** Replaces the bucket's notification configuration (PutBucketNotificationConfiguration). */
  async setNotification(name: string, config: NotificationConfig): Promise<void> {
    this.bucket(name);
    await this.commit({ t: 'notification', bucket: name, config });
  }

  /** The bucket's policy text, if it has one (and exists). */
  policyOf(name: string): string | undefined {
    return this.buckets.get(name)?.policy;
  }

  /** Sets (or, with undefined, deletes) the bucket policy; the caller has checked the document. */
  async setPolicy(name: string, policy: string | undefined): Promise<void> {
    this.bucket(name);
    await this.commit({ t: 'policy', bucket: name, policy });
  }

  // ---- objects

  getObject(bucketName: string, key: string): StoredObject {
    const object = this.bucket(bucketName).objects.get(key);
    if (!object) throw s3Errors.noSuchKey(key);
    return object;
  }

  readBlob(object: StoredObject, range?: { start: number; end: number }): Readable {
    return this.blobs.read(object.blob, range);
  }

  /** Streams a body to disk (before any condition is final); commit it with {@link putObject}. */
  writeBlob(body: Readable | Readable[], also?: { sha1?: boolean; sha256?: boolean }): Promise<WrittenBlob> {
    return this.blobs.write(body, also);
  }

  discardBlob(blob: string): Promise<void> {
    return this.blobs.remove(blob);
  }

  /** Throws 412/404 if the write conditions do not hold for the key's current object. */
  checkWriteConditions(bucketName: string, key: string, conditions: WriteConditions): void {
    const current = this.bucket(bucketName).objects.get(key);
    if (conditions.ifNoneMatch !== undefined) {
      if (conditions.ifNoneMatch !== '*')
        throw s3Errors.notImplemented(`If-None-Match other than "*" on writes (got ${conditions.ifNoneMatch})`);
      if (current) throw s3Errors.preconditionFailed('If-None-Match');
    }
    if (conditions.ifMatch !== undefined) {
      if (!current) throw s3Errors.noSuchKey(key);
      if (!etagMatches(conditions.ifMatch, current.etag)) throw s3Errors.preconditionFailed('If-Match');
    }
  }

  /** Makes a written blob the object at `key`, if the conditions still hold; replaces any older object. */
  async putObject(
    bucketName: string,
    key: string,
    written: { blob: string; size: number; etag: string; checksums: ObjectChecksum[]; parts?: number },
    headers: ObjectHeaders,
    conditions: WriteConditions = {},
  ): Promise<StoredObject> {
    const bucket = this.bucket(bucketName);
    try {
      this.checkWriteConditions(bucketName, key, conditions);
    } catch (error) {
      await this.blobs.remove(written.blob);
      throw error;
    }
    const previous = bucket.objects.get(key);
    const object: StoredObject = { key, ...headers, ...written, lastModified: Date.now() };
    await this.commit({ t: 'object', bucket: bucketName, object });
    if (previous && previous.blob !== object.blob) await this.blobs.remove(previous.blob);
    return object;
  }

  /** Deletes an object; deleting a missing key succeeds, as in S3. */
  async deleteObject(bucketName: string, key: string): Promise<void> {
    const object = this.bucket(bucketName).objects.get(key);
    if (!object) return;
    await this.commit({ t: 'object-gone', bucket: bucketName, key });
    await this.blobs.remove(object.blob);
  }

  /** Replaces an object's tags (PutObjectTagging, DeleteObjectTagging with none); the object is otherwise as it was. */
  async setTags(bucketName: string, key: string, tags: Record<string, string>): Promise<void> {
    const object = this.getObject(bucketName, key);
    await this.commit({ t: 'object', bucket: bucketName, object: { ...object, tags: Object.keys(tags).length ? tags : undefined } });
  }

  async copyObject(
    source: StoredObject,
    bucketName: string,
    key: string,
    headers: ObjectHeaders | undefined,
    conditions: WriteConditions,
  ): Promise<StoredObject> {
    this.bucket(bucketName);
    const blob = randomUUID();
    await copyFile(this.blobs.path(source.blob), this.blobs.path(blob));
    const { key: _key, blob: _blob, lastModified: _lastModified, size, etag, checksums, parts, ...copied } = source;
    return this.putObject(bucketName, key, { blob, size, etag, checksums, parts }, headers ?? copied, conditions);
  }

  list(bucketName: string, { prefix = '', delimiter, maxKeys = 1000, after }: ListOptions): ListResult {
    const bucket = this.bucket(bucketName);
    const result: ListResult = { objects: [], commonPrefixes: [], truncated: false };
    let index =
      after !== undefined && compareKeys(after, prefix) >= 0 ? bucket.keys.lowerBound(after, true) : bucket.keys.lowerBound(prefix);
    while (index < bucket.keys.size) {
      const key = bucket.keys.at(index)!;
      if (!key.startsWith(prefix)) break;
      if (result.objects.length + result.commonPrefixes.length === maxKeys) {
        result.truncated = true;
        break;
      }
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const commonPrefix = key.slice(0, cut + delimiter!.length);
        result.commonPrefixes.push(commonPrefix);
        result.last = commonPrefix;
        // skip every key under this prefix: the next key after it is ≥ prefix + U+10FFFF…
        index = bucket.keys.lowerBound(`${commonPrefix}\u{10FFFF}`);
        continue;
      }
      result.objects.push(bucket.objects.get(key)!);
      result.last = key;
      index++;
    }
    return result;
  }

  // ---- multipart uploads

  async createUpload(bucketName: string, key: string, headers: ObjectHeaders): Promise<string> {
    this.bucket(bucketName);
    const uploadId = randomUUID().replace(/-/g, '');
    await this.commit({ t: 'upload', upload: { uploadId, bucket: bucketName, key, initiated: Date.now(), headers } });
    return uploadId;
  }

  upload(bucketName: string, key: string, uploadId: string): MultipartUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.bucket !== bucketName || upload.key !== key) throw s3Errors.noSuchUpload(uploadId);
    return upload;
  }

  /** The bucket's multipart uploads in progress, in the order they were created. */
  uploadsIn(bucketName: string): MultipartUpload[] {
    this.bucket(bucketName);
    return [...this.uploads.values()].filter((upload) => upload.bucket === bucketName);
  }

  async putPart(upload: MultipartUpload, number: number, written: WrittenBlob): Promise<UploadPart> {
    if (!this.uploads.has(upload.uploadId)) {
      await this.blobs.remove(written.blob);
      throw s3Errors.noSuchUpload(upload.uploadId);
    }
    const previous = upload.parts[number];
    const part: UploadPart = {
      number,
      blob: written.blob,
      size: written.size,
      etag: `"${written.md5.toString('hex')}"`,
      md5: written.md5.toString('hex'),
      lastModified: Date.now(),
    };
    await this.commit({ t: 'part', uploadId: upload.uploadId, part });
    if (previous) await this.blobs.remove(previous.blob);
    return part;
  }

  /** Joins the listed parts, in order, into the object; the parts must exist with these ETags. */
  async completeUpload(
    upload: MultipartUpload,
    listed: { number: number; etag: string }[],
    conditions: WriteConditions,
  ): Promise<StoredObject> {
    if (listed.length === 0) throw new S3Error(400, 'MalformedXML', 'CompleteMultipartUpload lists no parts');
    const parts = listed.map(({ number, etag }, index) => {
      if (index > 0 && number <= listed[index - 1]!.number)
        throw new S3Error(
          400,
          'InvalidPartOrder',
          `The list of parts was not in ascending order: part ${number} after ${listed[index - 1]!.number}`,
        );
      const part = upload.parts[number];
      if (!part || !etagMatches(etag, part.etag))
        throw new S3Error(400, 'InvalidPart', `Part ${number} was not uploaded, or its ETag ${etag} does not match`, {
          PartNumber: String(number),
        });
      return part;
    });
    parts.slice(0, -1).forEach((part) => {
      if (part.size < MIN_PART_SIZE)
        throw new S3Error(
          400,
          'EntityTooSmall',
          `Part ${part.number} is ${part.size} bytes; every part but the last must be at least ${MIN_PART_SIZE}`,
        );
    });
    this.checkWriteConditions(upload.bucket, upload.key, conditions);
    const written = await this.blobs.write(parts.map((part) => this.blobs.read(part.blob)));
    const etag = `"${createHash('md5')
      .update(Buffer.concat(parts.map((part) => Buffer.from(part.md5, 'hex'))))
      .digest('hex')}-${parts.length}"`;
    const object = await this.putObject(
      upload.bucket,
      upload.key,
      { blob: written.blob, size: written.size, etag, checksums: [{ algorithm: 'CRC32', value: written.crc32 }], parts: parts.length },
      upload.headers,
      conditions,
    );
    await this.abortUpload(upload);
    return object;
  }

  async abortUpload(upload: MultipartUpload): Promise<void> {
    await this.commit({ t: 'upload-gone', uploadId: upload.uploadId });
    for (const part of Object.values(upload.parts)) await this.blobs.remove(part.blob);
  }
}

/** `If-Match`-style comparison: `*`, or ETags equal with or without quotes. */
export function etagMatches(condition: string, etag: string): boolean {
  const unquote = (value: string) => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return condition.split(',').some((candidate) => candidate.trim() === '*' || unquote(candidate) === unquote(etag));
}
