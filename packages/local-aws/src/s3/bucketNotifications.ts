import { randomUUID } from 'node:crypto';
import type { XmlNode } from '../common/xml';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localAccount';
import { S3Error } from './s3Errors';

/** Where a bucket's events go: an SQS queue or a Lambda function, for some event types and key prefix/suffix. */
export interface NotificationTarget {
  id: string;
  kind: 'queue' | 'lambda';
  arn: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, `s3:ObjectRemoved:*`, … */
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** A bucket's notification configuration as PutBucketNotificationConfiguration sets it. */
export interface NotificationConfig {
  targets: NotificationTarget[];
}

const EVENTS = new Set([
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
]);

const invalid = (message: string) => new S3Error(400, 'InvalidArgument', message);

type Parsed = {
  Id?: string;
  Queue?: string;
  CloudFunction?: string;
  Event?: string[];
  Filter?: { S3Key?: { FilterRule?: { Name?: string; Value?: string }[] } };
};

/** The configuration a PutBucketNotificationConfiguration body states, checked as S3 checks it (event names, filter rules). */
export function parseNotificationConfig(body: Record<string, unknown>): NotificationConfig {
  const root = (body.NotificationConfiguration ?? {}) as Record<string, Parsed[] | string | undefined>;
  if (Array.isArray(root.TopicConfiguration) && root.TopicConfiguration.length > 0)
    throw new S3Error(501, 'NotImplemented', 'SNS topic notifications are not supported by the local S3 (queues and Lambda functions are)');
  const read = (entry: Parsed, kind: NotificationTarget['kind']): NotificationTarget => {
    const arn = kind === 'queue' ? entry.Queue : entry.CloudFunction;
    if (!arn) throw invalid(`A ${kind === 'queue' ? 'Queue' : 'CloudFunction'} ARN is required in each configuration`);
    const events = entry.Event ?? [];
    if (events.length === 0) throw invalid('Each notification configuration needs at least one Event');
    const unknown = events.find((event) => !EVENTS.has(event));
    if (unknown) throw invalid(`The event is not supported for notifications: ${unknown}`);
    const target: NotificationTarget = { id: entry.Id || randomUUID(), kind, arn, events };
    for (const rule of entry.Filter?.S3Key?.FilterRule ?? []) {
      const name = (rule.Name ?? '').toLowerCase();
      if (name !== 'prefix' && name !== 'suffix') throw invalid(`filter rule name must be either prefix or suffix, not "${rule.Name}"`);
      if (target[name] !== undefined) throw invalid(`Cannot specify more than one ${name} rule in a filter.`);
      target[name] = rule.Value ?? '';
    }
    return target;
  };
  const targets = [
    ...((root.QueueConfiguration as Parsed[] | undefined) ?? []).map((entry) => read(entry, 'queue')),
    ...((root.CloudFunctionConfiguration as Parsed[] | undefined) ?? []).map((entry) => read(entry, 'lambda')),
  ];
  // S3 refuses two configurations that could both match one event
  for (const [i, a] of targets.entries())
    for (const b of targets.slice(i + 1)) {
      const eventsOverlap = a.events.some((e) =>
        b.events.some(
          (f) => e === f || (e.endsWith(':*') && f.startsWith(e.slice(0, -1))) || (f.endsWith(':*') && e.startsWith(f.slice(0, -1))),
        ),
      );
      const prefixesOverlap = (a.prefix ?? '').startsWith(b.prefix ?? '') || (b.prefix ?? '').startsWith(a.prefix ?? '');
      const suffixesOverlap = (a.suffix ?? '').endsWith(b.suffix ?? '') || (b.suffix ?? '').endsWith(a.suffix ?? '');
      if (eventsOverlap && prefixesOverlap && suffixesOverlap)
        throw invalid('Configurations overlap. Configurations on the same bucket cannot share a common event type.');
    }
  return { targets };
}

/** The configuration as GetBucketNotificationConfiguration returns it. */
export function notificationConfigXml(config: NotificationConfig | undefined): XmlNode {
  const entry = (t: NotificationTarget) => ({
    Id: t.id,
    [t.kind === 'queue' ? 'Queue' : 'CloudFunction']: t.arn,
    Event: t.events,
    Filter:
      t.prefix === undefined && t.suffix === undefined
        ? undefined
        : {
            S3Key: {
              FilterRule: [
                ...(t.prefix === undefined ? [] : [{ Name: 'Prefix', Value: t.prefix }]),
                ...(t.suffix === undefined ? [] : [{ Name: 'Suffix', Value: t.suffix }]),
              ],
            },
          },
  });
  const targets = config?.targets ?? [];
  return {
    QueueConfiguration: targets.filter((t) => t.kind === 'queue').map(entry),
    CloudFunctionConfiguration: targets.filter((t) => t.kind === 'lambda').map(entry),
  };
}

/** The targets an event on a key goes to. */
export function matchingTargets(config: NotificationConfig | undefined, eventName: string, key: string): NotificationTarget[] {
  return (config?.targets ?? []).filter(
    (t) =>
      t.events.some((e) => e === `s3:${eventName}` || (e.endsWith(':*') && `s3:${eventName}`.startsWith(e.slice(0, -1)))) &&
      key.startsWith(t.prefix ?? '') &&
      key.endsWith(t.suffix ?? ''),
  );
}

/** One object event as S3 sends it (event message structure version 2.1). */
export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

let sequence = 0;

/**
 * The record S3 sends for an event on an object. The key is URL-encoded with spaces as `+`, as
 * S3 sends it; `eventTime` is the object's Last-Modified time, so a client that wrote the
 * object knows the time its event carries.
 */
export function s3EventRecord(
  eventName: string,
  bucket: string,
  object: { key: string; size?: number; etag?: string; lastModified: number },
  configurationId: string,
): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    eventTime: new Date(object.lastModified).toISOString(),
    eventName,
    userIdentity: { principalId: `AWS:${LOCAL_ACCOUNT_ID}` },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(), 'x-amz-id-2': randomUUID() },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: bucket, ownerIdentity: { principalId: LOCAL_ACCOUNT_ID }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeURIComponent(object.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
        ...(object.size === undefined ? {} : { size: object.size }),
        ...(object.etag === undefined ? {} : { eTag: object.etag.replace(/"/g, '') }),
        sequencer: (Date.now() * 1000 + (sequence++ % 1000)).toString(16).toUpperCase().padStart(16, '0'),
      },
    },
  };
}

/** What the S3 server needs from the rest of the stack to deliver notifications. */
export interface NotificationSink {
  /** ARNs of the targets that do not exist (S3 tests each destination when the configuration is put). */
  missing: (targets: NotificationTarget[]) => string[];
  /** Delivers one event to one target; never throws (delivery is asynchronous in S3). */
  deliver: (target: NotificationTarget, record: S3EventRecord) => void;
  /** S3 sends a test event to each queue when a configuration is put. */
  testEvent: (target: NotificationTarget, bucket: string) => void;
  /** A queue target's policy (its `Policy` attribute), which must let S3 send to it. */
  queuePolicy?: (target: NotificationTarget) => string | undefined;
}
