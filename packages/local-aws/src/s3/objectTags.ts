import { S3Error } from './s3Errors';

/** An object's tags (S3: at most 10, keys up to 128 and values up to 256 characters, keys unique). */
export type ObjectTags = Record<string, string>;

const invalidTag = (message: string) => new S3Error(400, 'InvalidTag', message);

function checked(pairs: [string, string][]): ObjectTags {
  if (pairs.length > 10) throw invalidTag('Object tags cannot be greater than 10');
  const tags: ObjectTags = {};
  for (const [key, value] of pairs) {
    if (key.length === 0 || [...key].length > 128) throw invalidTag('The TagKey you have provided is invalid');
    if ([...value].length > 256) throw invalidTag('The TagValue you have provided is invalid');
    if (key in tags) throw invalidTag('Cannot provide multiple Tags with the same key');
    tags[key] = value;
  }
  return tags;
}

/** The tags of an `x-amz-tagging` header: a URL query string (`k1=v1&k2=v2`). */
export function tagsFromHeader(value: string | undefined): ObjectTags | undefined {
  if (value === undefined) return undefined;
  return checked([...new URLSearchParams(value)]);
}

/** The tags of a PutObjectTagging body (`<Tagging><TagSet><Tag><Key/><Value/></Tag>…`), parsed by parseXml. */
export function tagsFromXml(body: Record<string, unknown>): ObjectTags {
  const tagSet = (body.Tagging as { TagSet?: { Tag?: { Key?: unknown; Value?: unknown }[] } | '' } | undefined)?.TagSet;
  const tags = typeof tagSet === 'object' ? (tagSet.Tag ?? []) : [];
  return checked(tags.map((tag) => [String(tag.Key ?? ''), String(tag.Value ?? '')]));
}

/** The tags as GetObjectTagging returns them. */
export function tagsXml(tags: ObjectTags | undefined): { TagSet: { Tag: { Key: string; Value: string }[] } } {
  return { TagSet: { Tag: Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })) } };
}
