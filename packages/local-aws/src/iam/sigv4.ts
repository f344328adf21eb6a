import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4, verified as AWS verifies it: the canonical request is rebuilt from
 * what came over the wire (method, the URL as sent, the raw header list), so a request signed
 * by any SDK with the right secret matches and one signed with another secret does not. Covers
 * the Authorization header, presigned URLs (X-Amz-* query parameters) and S3's aws-chunked
 * streaming signatures (per chunk, chained from the seed, and the signed trailer).
 */

/** What a request's SigV4 authentication says, read from the Authorization header or the X-Amz-* query parameters. */
export interface SigV4Authentication {
  form: 'header' | 'query';
  accessKeyId: string;
  /** yyyymmdd of the credential scope, region, service */
  scope: { date: string; region: string; service: string };
  /** x-amz-date / X-Amz-Date (yyyymmddThhmmssZ) */
  requestDate: string;
  signedHeaders: string[];
  signature: string;
  securityToken?: string; // x-amz-security-token header or X-Amz-Security-Token query parameter
  expiresSeconds?: number; // query form
}

export class SigV4FormatError extends Error {
  /** AWS's error code for a malformed auth: e.g. 'AuthorizationHeaderMalformed', 'AuthorizationQueryParametersError', 'IncompleteSignature', 'MissingAuthenticationToken' */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SigV4FormatError';
  }
}

/** The raw request as received: method, the URL as sent (path and query, still encoded), raw headers (name/value pairs in order). */
export interface ReceivedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
}

export type SigV4Check = { ok: true } | { ok: false; reason: 'signature' | 'skew'; canonicalRequest: string; stringToSign: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** AWS refuses a header-signed request whose time is more than 15 minutes off its own clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
/** What S3 takes in x-amz-content-sha256 besides a hex SHA-256 (the SigV4a streaming kinds are not verified here). */
const S3_PAYLOADS = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Undefined when the request carries no SigV4 authentication (anonymous, or SigV2). Throws SigV4FormatError when it is malformed. */
export function readSigV4(request: ReceivedRequest): SigV4Authentication | undefined {
  const headers = headerValues(request.rawHeaders);
  const params = queryValues(splitTarget(request.url).query);
  const authorization = headers.get('authorization')?.[0]?.trim();
  const inQuery = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((name) => params.has(name));
  if (authorization && inQuery)
    throw new SigV4FormatError(
      isS3(serviceOf(params.get('X-Amz-Credential'))) ? 'InvalidArgument' : 'IncompleteSignature',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  if (authorization) return /^AWS\s/.test(authorization) ? undefined : fromHeader(authorization, headers);
  return inQuery ? fromQuery(params, headers) : undefined;
}

function fromHeader(authorization: string, headers: Map<string, string[]>): SigV4Authentication {
  const algorithm = authorization.split(/\s/, 1)[0]!;
  const fields = new Map<string, string>();
  const unpaired: string[] = [];
  for (const part of authorization.slice(algorithm.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    else if (part.trim()) unpaired.push(part.trim());
  }
  // The error codes differ between S3 and the other services; the credential says which this is.
  const s3 = isS3(serviceOf(fields.get('Credential')));
  if (algorithm !== ALGORITHM)
    throw new SigV4FormatError(s3 ? 'InvalidArgument' : 'IncompleteSignature', `Unsupported Authorization Type: '${algorithm}'`);
  const fail = (message: string) => malformed(s3, 'header', message);
  if (unpaired.length)
    throw fail(`'${unpaired[0]}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`);
  for (const name of ['Credential', 'SignedHeaders', 'Signature'])
    if (!fields.get(name)) throw fail(`Authorization header requires '${name}' parameter. Authorization=${authorization}`);
  let requestDate = headers.get('x-amz-date')?.[0]?.trim();
  const date = headers.get('date')?.[0];
  // Without x-amz-date the Date header (RFC 7231) is the request time, signed in ISO 8601 basic form.
  if (requestDate === undefined && date !== undefined && !Number.isNaN(Date.parse(date))) requestDate = amzDate(Date.parse(date));
  if (requestDate === undefined)
    throw new SigV4FormatError(
      s3 ? 'AccessDenied' : 'IncompleteSignature',
      s3
        ? 'AWS authentication requires a valid Date or x-amz-date header'
        : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  const auth = common('header', fields.get('Credential')!, requestDate, fields.get('SignedHeaders')!, fields.get('Signature')!, fail);
  const token = headers.get('x-amz-security-token')?.[0];
  if (s3) {
    // S3 signs the payload through this header, so a header-signed request must carry a valid one.
    const payload = headers.get('x-amz-content-sha256')?.[0];
    if (payload === undefined)
      throw new SigV4FormatError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    if (!S3_PAYLOADS.has(payload) && !/^[0-9a-fA-F]{64}$/.test(payload))
      throw new SigV4FormatError('InvalidArgument', `x-amz-content-sha256 must be ${[...S3_PAYLOADS].join(', ')} or a valid sha256 value.`);
  }
  return token === undefined ? auth : { ...auth, securityToken: token };
}

function fromQuery(params: Map<string, string>, headers: Map<string, string[]>): SigV4Authentication {
  const s3 = isS3(serviceOf(params.get('X-Amz-Credential')));
  const fail = (message: string) => malformed(s3, 'query', message);
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'];
  if (s3) required.push('X-Amz-Expires');
  if (required.some((name) => !params.get(name)))
    throw fail(`Query-string authentication version 4 requires the ${required.join(', ')} parameters.`);
  if (params.get('X-Amz-Algorithm') !== ALGORITHM) throw fail(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const get = (name: string) => params.get(name)!;
  const auth = common('query', get('X-Amz-Credential'), get('X-Amz-Date'), get('X-Amz-SignedHeaders'), get('X-Amz-Signature'), fail);
  const expires = params.get('X-Amz-Expires');
  if (expires !== undefined && !/^\d+$/.test(expires)) throw fail('X-Amz-Expires should be a number');
  if (expires !== undefined && Number(expires) > MAX_EXPIRES_SECONDS)
    throw fail(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
  const token = params.get('X-Amz-Security-Token') ?? headers.get('x-amz-security-token')?.[0];
  return {
    ...auth,
    ...(token === undefined ? {} : { securityToken: token }),
    ...(expires === undefined ? {} : { expiresSeconds: Number(expires) }),
  };
}

/** What both forms carry: the credential (key and scope), the request time, the signed header names and the signature. */
function common(
  form: SigV4Authentication['form'],
  credential: string,
  requestDate: string,
  signedHeaders: string,
  signature: string,
  fail: (message: string) => SigV4FormatError,
): SigV4Authentication {
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (!accessKeyId || !date || !/^\d{8}$/.test(date) || !region || !service || terminator !== 'aws4_request' || rest.length)
    throw fail(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request", got '${credential}'.`);
  if (Number.isNaN(parseAmzDate(requestDate)))
    throw fail(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got '${requestDate}'.`);
  if (requestDate.slice(0, 8) !== date)
    throw isS3(service)
      ? fail(`Invalid credential date "${date}". Date is not the same as X-Amz-Date: "${requestDate.slice(0, 8)}".`)
      : new SigV4FormatError(
          'SignatureDoesNotMatch',
          `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${requestDate.slice(0, 8)}', from '${requestDate}'.`,
        );
  const names = signedHeaders.split(';');
  if (names.some((name) => name === '')) throw fail(`SignedHeaders is mal-formed: '${signedHeaders}'.`);
  return { form, accessKeyId, scope: { date, region, service }, requestDate, signedHeaders: names, signature };
}

function malformed(s3: boolean, form: SigV4Authentication['form'], message: string): SigV4FormatError {
  const code = !s3 ? 'IncompleteSignature' : form === 'header' ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError';
  return new SigV4FormatError(code, message);
}

const serviceOf = (credential: string | undefined) => credential?.split('/')[3];
const isS3 = (service: string | undefined) => service === 's3';

/** The signing key for a secret and scope (HMAC chain). Cache-friendly: pure. */
export function signingKey(secretAccessKey: string, scope: SigV4Authentication['scope']): Buffer {
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
  for (const part of [scope.date, scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  return key;
}

/** Recomputes the signature. `payloadHash`: for S3, leave undefined to take x-amz-content-sha256 (or UNSIGNED-PAYLOAD for a presigned URL); for other services pass the hex SHA-256 of the body. */
export function expectedSignature(
  request: ReceivedRequest,
  auth: SigV4Authentication,
  secretAccessKey: string,
  options: { payloadHash?: string } = {},
): { signature: string; canonicalRequest: string; stringToSign: string } {
  const s3 = isS3(auth.scope.service);
  const headers = headerValues(request.rawHeaders);
  const { path, query } = splitTarget(request.url);
  const payloadHash = options.payloadHash ?? (s3 ? s3PayloadHash(auth, headers, query) : undefined);
  if (payloadHash === undefined) throw new TypeError(`SigV4 for ${auth.scope.service} signs the body: pass its hex SHA-256 as payloadHash`);
  const canonicalHeaders = auth.signedHeaders
    .map((name) => `${name}:${(headers.get(name.toLowerCase()) ?? []).map(canonicalValue).join(',')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalUri(path, s3),
    canonicalQuery(query, auth.form === 'query'),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, auth.requestDate, scopeText(auth), sha256Hex(canonicalRequest)].join('\n');
  return { signature: hmac(signingKey(secretAccessKey, auth.scope), stringToSign).toString('hex'), canonicalRequest, stringToSign };
}

/** S3 signs what x-amz-content-sha256 says; a presigned URL signs X-Amz-Content-Sha256 if it names one, else UNSIGNED-PAYLOAD. */
function s3PayloadHash(auth: SigV4Authentication, headers: Map<string, string[]>, query: string): string | undefined {
  // the name as smithy hoists it from whatever case the header had (S3's presigner: X-Amz-Content-Sha256)
  if (auth.form === 'query')
    return [...queryValues(query)].find(([name]) => name.toLowerCase() === 'x-amz-content-sha256')?.[1] ?? 'UNSIGNED-PAYLOAD';
  return headers.get('x-amz-content-sha256')?.[0];
}

export function verifySigV4(
  request: ReceivedRequest,
  auth: SigV4Authentication,
  secretAccessKey: string,
  options: { payloadHash?: string; now?: number } = {},
): SigV4Check {
  const { signature, canonicalRequest, stringToSign } = expectedSignature(request, auth, secretAccessKey, options);
  // Skew first, as AWS answers RequestTimeTooSkewed (with its time) whatever the signature; a
  // presigned URL is bounded by its expiry instead, which the caller checks (see presignedExpiry).
  if (auth.form === 'header' && Math.abs((options.now ?? Date.now()) - requestTime(auth)) > MAX_SKEW_MS)
    return { ok: false, reason: 'skew', canonicalRequest, stringToSign };
  return sameHex(signature, auth.signature) ? { ok: true } : { ok: false, reason: 'signature', canonicalRequest, stringToSign };
}

/** The request time (epoch ms) of the signature. */
export function requestTime(auth: SigV4Authentication): number {
  return parseAmzDate(auth.requestDate);
}

/** When a presigned URL stops working (epoch ms): its X-Amz-Date plus X-Amz-Expires; undefined for the header form. */
export function presignedExpiry(auth: SigV4Authentication): number | undefined {
  return auth.expiresSeconds === undefined ? undefined : requestTime(auth) + auth.expiresSeconds * 1000;
}

/** For STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER): checks each chunk's signature in turn, chained from the seed (the request's) signature. */
export class ChunkSignatureChain {
  private readonly key: Buffer;
  private readonly dateAndScope: string;
  private previous: string;
  private broken = false;

  constructor(auth: SigV4Authentication, secretAccessKey: string) {
    this.key = signingKey(secretAccessKey, auth.scope);
    this.dateAndScope = `${auth.requestDate}\n${scopeText(auth)}`;
    this.previous = auth.signature;
  }

  /** chunkSha256Hex: hex SHA-256 of the chunk's data; returns false when the chunk's signature is wrong. Call for every chunk including the final empty one. */
  verifyChunk(chunkSha256Hex: string, chunkSignature: string): boolean {
    // The empty hash stands where an event stream would put its headers' hash.
    return this.next(
      `AWS4-HMAC-SHA256-PAYLOAD\n${this.dateAndScope}\n${this.previous}\n${EMPTY_SHA256}\n${chunkSha256Hex}`,
      chunkSignature,
    );
  }

  /** the trailer: its canonical text ("x-amz-checksum-crc32:…\n") and its signature */
  verifyTrailer(trailerText: string, trailerSignature: string): boolean {
    return this.next(`AWS4-HMAC-SHA256-TRAILER\n${this.dateAndScope}\n${this.previous}\n${sha256Hex(trailerText)}`, trailerSignature);
  }

  /** Once a link fails the chain stays broken: nothing after a forged chunk may pass. */
  private next(stringToSign: string, signature: string): boolean {
    if (this.broken) return false;
    const expected = hmac(this.key, stringToSign).toString('hex');
    if (!sameHex(expected, signature)) this.broken = true;
    else this.previous = expected;
    return !this.broken;
  }
}

/** Header values by lower-cased name, in the order received (rawHeaders alternates name and value). */
function headerValues(rawHeaders: string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), rawHeaders[i + 1]!]);
  }
  return values;
}

/** Trimmed, runs of spaces and tabs as one space (only those: a latin1 0xA0 may be half a UTF-8 character). */
const canonicalValue = (value: string) => value.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');

function splitTarget(url: string): { path: string; query: string } {
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, ''); // absolute-form, as a proxy receives it
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return { path: path || '/', query: q < 0 ? '' : target.slice(q + 1) };
}

function queryPairs(query: string): [string, string][] {
  return query
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      return eq < 0 ? [piece, ''] : [piece.slice(0, eq), piece.slice(eq + 1)];
    });
}

/** Query parameters decoded (the first of a repeated name), to read the X-Amz-* ones. */
function queryValues(query: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of queryPairs(query)) {
    const key = percentDecode(name).toString('utf8');
    if (!values.has(key)) values.set(key, percentDecode(value).toString('utf8'));
  }
  return values;
}

/** Names and values re-encoded strictly, sorted by name then value; a presigned URL's own signature left out. */
function canonicalQuery(query: string, presigned: boolean): string {
  return queryPairs(query)
    .map(([name, value]) => [reencode(name), reencode(value)] as const)
    .filter(([name]) => !(presigned && name === 'X-Amz-Signature'))
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * S3 signs the path as is, encoded once (object keys may hold '.', '..' and '//'); the other
 * services sign it with empty and dot segments removed, then encoded twice (as botocore and
 * smithy do: the SDK's already-encoded path encoded again).
 */
function canonicalUri(path: string, s3: boolean): string {
  if (s3) return path.split('/').map(reencode).join('/');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.map((segment) => reencode(segment).replace(/%/g, '%25')).join('/')}${trailing}`;
}

/** RFC 3986 encoding of each byte: unreserved A-Z a-z 0-9 - _ . ~ as is, all else %XX in upper case. */
const ENCODED = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/**
 * Decodes what the client sent and encodes it strictly, so every client's encoding of the same
 * bytes (boto3's, the JS SDK's, one leaving '!' or '*' bare, lower-case hex) gives one canonical form.
 */
function reencode(text: string): string {
  let out = '';
  for (const byte of percentDecode(text)) out += ENCODED[byte];
  return out;
}

/** %XX to its byte; anything else (a stray '%' too) as its UTF-8 bytes. Bytes, not text: %FF need not be UTF-8. */
function percentDecode(text: string): Buffer {
  if (!text.includes('%')) return Buffer.from(text, 'utf8');
  const parts = text.match(/%[0-9A-Fa-f]{2}|%|[^%]+/g) ?? [];
  return Buffer.concat(
    parts.map((part) => (/^%[0-9A-Fa-f]{2}$/.test(part) ? Buffer.of(parseInt(part.slice(1), 16)) : Buffer.from(part, 'utf8'))),
  );
}

const scopeText = (auth: SigV4Authentication) => `${auth.scope.date}/${auth.scope.region}/${auth.scope.service}/aws4_request`;
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** Constant-time, so a caller can't learn the right signature a byte at a time. */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** yyyymmddThhmmssZ to epoch ms; NaN when it is not one (or not a real date, e.g. month 13). */
function parseAmzDate(text: string): number {
  const m = AMZ_DATE.exec(text);
  if (!m) return Number.NaN;
  const time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return amzDate(time) === text ? time : Number.NaN;
}

/** epoch ms to yyyymmddThhmmssZ */
const amzDate = (time: number) => new Date(time).toISOString().replace(/\.\d{3}|[-:]/g, '');
