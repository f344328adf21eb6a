import { isWellFormedXml, parseXml } from '../common/xml';
import { S3Error } from './s3Errors';

/**
 * CreateBucket as S3 in us-east-1 answers it: the general purpose bucket naming rules, the
 * `CreateBucketConfiguration` body, and what a bucket the caller already owns gets.
 */

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** S3's general purpose bucket naming rules (User Guide, "General purpose bucket naming rules"). */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(name) && // formatted as an IP address
    !RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
    !RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix))
  );
}

export function invalidBucketName(name: string): S3Error {
  return new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
}

/** The regions a `LocationConstraint` may name (botocore's BucketLocationConstraint); never us-east-1, which is said by naming none. */
const LOCATION_CONSTRAINTS = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'EU',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
]);

/** What a CreateBucket body asks for: a region (else us-east-1) and whether it tags the bucket. */
export interface BucketConfiguration {
  locationConstraint?: string;
  tagged: boolean;
}

/**
 * Reads `CreateBucketConfiguration` (an empty body is none). The us-east-1 endpoint refuses a
 * constraint naming us-east-1 itself, or no region at all: `400 InvalidLocationConstraint`.
 */
export function parseBucketConfiguration(body: string): BucketConfiguration {
  if (body.trim() === '') return { tagged: false };
  const parsed = isWellFormedXml(body) ? parseXml(body) : undefined;
  const root = parsed?.CreateBucketConfiguration;
  if (root === undefined || (root !== '' && (typeof root !== 'object' || root === null)))
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  const config = (root === '' ? {} : root) as { LocationConstraint?: unknown; Tags?: unknown };
  const constraint = config.LocationConstraint === undefined ? undefined : String(config.LocationConstraint);
  if (constraint !== undefined && !LOCATION_CONSTRAINTS.has(constraint))
    throw new S3Error(400, 'InvalidLocationConstraint', 'The specified location-constraint is not valid', {
      LocationConstraint: constraint,
    });
  return { locationConstraint: constraint, tagged: config.Tags !== undefined && config.Tags !== '' };
}

/**
 * CreateBucket of a bucket the caller already owns: in us-east-1 (no constraint) it succeeds
 * again, as S3 keeps it idempotent there; elsewhere, or with tags, `409 BucketAlreadyOwnedByYou`.
 */
export function alreadyOwned(name: string, config: BucketConfiguration): S3Error | undefined {
  if (config.locationConstraint === undefined && !config.tagged) return undefined;
  return new S3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
    BucketName: name,
  });
}
