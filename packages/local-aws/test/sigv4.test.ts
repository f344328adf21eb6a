import { NodeSha256 } from './nodeSha256';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  ChunkSignatureChain,
  expectedSignature,
  presignedExpiry,
  readSigV4,
  requestTime,
  signingKey,
  SigV4FormatError,
  verifySigV4,
} from '../src/iam/sigv4';
import type { ReceivedRequest, SigV4Authentication, SigV4Check } from '../src/iam/sigv4';

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET };
const signer = (service: string, sessionToken?: string) =>
  new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: { ...credentials, ...(sessionToken ? { sessionToken } : {}) },
    sha256: NodeSha256,
    uriEscapePath: service !== 's3', // as the S3 client: its serializer has encoded the key already
  });

/** The JS SDK's encoding (smithy's escapeUri): encodeURIComponent plus !'()*. */
const escapeUri = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const s3Path = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(escapeUri).join('/')}`;

interface Signable {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string;
}
const request = (
  method: string,
  path: string,
  headers: Record<string, string> = {},
  query?: Signable['query'],
  body?: string,
): Signable => ({
  method,
  protocol: 'http:',
  hostname: 'localhost',
  path,
  query,
  headers: { host: 'localhost:4566', ...headers },
  body,
});

/** What the SDK's node handler puts on the wire: the path, the query as smithy's buildQueryString writes it, the headers. */
function wire(signed: { method: string; path: string; query?: Signable['query']; headers: Record<string, string> }): ReceivedRequest {
  const query = Object.entries(signed.query ?? {}).flatMap(([name, value]) =>
    value === null ? [escapeUri(name)] : (Array.isArray(value) ? value : [value]).map((v) => `${escapeUri(name)}=${escapeUri(v)}`),
  );
  return {
    method: signed.method,
    url: signed.path + (query.length ? `?${query.join('&')}` : ''),
    rawHeaders: Object.entries(signed.headers).flat(),
  };
}

async function signed(service: string, toSign: Signable, sessionToken?: string): Promise<ReceivedRequest> {
  return wire((await signer(service, sessionToken).sign(toSign)) as Signable);
}

function check(received: ReceivedRequest, options: { payloadHash?: string; now?: number; secret?: string } = {}): SigV4Check {
  const auth = readSigV4(received);
  if (!auth) throw new Error('no SigV4 authentication');
  return verifySigV4(received, auth, options.secret ?? SECRET, options);
}
const reason = (result: SigV4Check) => (result.ok ? 'ok' : result.reason);

const withHeader = (r: ReceivedRequest, name: string, value: string): ReceivedRequest => ({
  ...r,
  rawHeaders: r.rawHeaders.map((item, i) => (i % 2 === 1 && r.rawHeaders[i - 1]!.toLowerCase() === name ? value : item)),
});

/** A malformed-auth error's AWS code. */
function formatCode(received: ReceivedRequest): string {
  try {
    readSigV4(received);
  } catch (error) {
    if (error instanceof SigV4FormatError) return error.code;
    throw error;
  }
  return 'none';
}

describe("AWS's documented examples", () => {
  const at2013 = Date.UTC(2013, 4, 24);
  const docHeaders = (extra: string[]) => ['Host', 'examplebucket.s3.amazonaws.com', 'x-amz-date', '20130524T000000Z', ...extra];
  const authorization = (signedHeaders: string, signature: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;

  it('S3 GET Object with a Range header', () => {
    const received: ReceivedRequest = {
      method: 'GET',
      url: '/test.txt',
      rawHeaders: docHeaders([
        'Range',
        'bytes=0-9',
        'x-amz-content-sha256',
        EMPTY,
        'Authorization',
        authorization('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'),
      ]),
    };
    expect(check(received, { now: at2013 })).toEqual({ ok: true });
    expect(reason(check(received, { now: at2013, secret: SECRET.replace('K7', 'K8') }))).toBe('signature');
  });

  it("S3 PUT Object: '$' in the key, a Date header, a body hash", () => {
    const received: ReceivedRequest = {
      method: 'PUT',
      url: '/test%24file.text',
      rawHeaders: docHeaders([
        'Date',
        'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class',
        'REDUCED_REDUNDANCY',
        'x-amz-content-sha256',
        sha256('Welcome to Amazon S3.'),
        'Authorization',
        authorization(
          'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
          '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
        ),
      ]),
    };
    expect(check(received, { now: at2013 })).toEqual({ ok: true });
    expect(check({ ...received, url: '/test$file.text' }, { now: at2013 })).toEqual({ ok: true }); // '$' sent bare: same bytes
    expect(reason(check({ ...received, url: '/test%25file.text' }, { now: at2013 }))).toBe('signature');
  });

  it('S3 GET Bucket lifecycle (a query name without value) and list objects (sorted query)', () => {
    const get = (url: string, signature: string): ReceivedRequest => ({
      method: 'GET',
      url,
      rawHeaders: docHeaders([
        'x-amz-content-sha256',
        EMPTY,
        'Authorization',
        authorization('host;x-amz-content-sha256;x-amz-date', signature),
      ]),
    });
    expect(check(get('/?lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'), { now: at2013 })).toEqual({
      ok: true,
    });
    const list = get('/?prefix=J&max-keys=2', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
    expect(check(list, { now: at2013 })).toEqual({ ok: true });
    expect(reason(check({ ...list, url: '/?prefix=K&max-keys=2' }, { now: at2013 }))).toBe('signature');
  });

  it('S3 presigned GET (no X-Amz-Content-Sha256: UNSIGNED-PAYLOAD), and its expiry', () => {
    const received: ReceivedRequest = {
      method: 'GET',
      url:
        '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      rawHeaders: ['Host', 'examplebucket.s3.amazonaws.com'],
    };
    const auth = readSigV4(received)!;
    expect(auth).toEqual({
      form: 'query',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      scope: { date: '20130524', region: 'us-east-1', service: 's3' },
      requestDate: '20130524T000000Z',
      signedHeaders: ['host'],
      signature: 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      expiresSeconds: 86400,
    });
    expect(presignedExpiry(auth)).toBe(at2013 + 86_400_000);
    // a presigned URL has no skew limit (its expiry is the caller's to check)
    expect(verifySigV4(received, auth, SECRET, { now: at2013 + 3_600_000 })).toEqual({ ok: true });
    const { canonicalRequest } = expectedSignature(received, auth, SECRET, {});
    expect(sha256(canonicalRequest)).toBe('3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04');
    expect(reason(check({ ...received, url: received.url.replace('Expires=86400', 'Expires=86401') }))).toBe('signature');
  });

  it('IAM ListUsers (a service other than S3: the body hash is the caller’s)', () => {
    const received: ReceivedRequest = {
      method: 'GET',
      url: '/?Action=ListUsers&Version=2010-05-08',
      rawHeaders: [
        'Host',
        'iam.amazonaws.com',
        'Content-Type',
        'application/x-www-form-urlencoded; charset=utf-8',
        'X-Amz-Date',
        '20150830T123600Z',
        'Authorization',
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
      ],
    };
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    const now = Date.UTC(2015, 7, 30, 12, 36);
    expect(signingKey(secret, { date: '20150830', region: 'us-east-1', service: 'iam' }).toString('hex')).toBe(
      'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
    );
    const auth = readSigV4(received)!;
    expect(sha256(expectedSignature(received, auth, secret, { payloadHash: EMPTY }).canonicalRequest)).toBe(
      'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
    );
    expect(verifySigV4(received, auth, secret, { payloadHash: EMPTY, now })).toEqual({ ok: true });
    expect(reason(verifySigV4(received, auth, secret, { payloadHash: sha256('x'), now }))).toBe('signature');
    expect(() => verifySigV4(received, auth, secret, { now })).toThrow(TypeError); // no body hash for a non-S3 service
  });

  describe('chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): 64 KiB + 1 KiB of "a"', () => {
    const seedHeaders = (payload: string, extra: string[], signedHeaders: string, seed: string) => [
      'Host',
      's3.amazonaws.com',
      'x-amz-date',
      '20130524T000000Z',
      'x-amz-storage-class',
      'REDUCED_REDUNDANCY',
      'x-amz-content-sha256',
      payload,
      'Content-Encoding',
      'aws-chunked',
      'x-amz-decoded-content-length',
      '66560',
      ...extra,
      'Authorization',
      `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${seed}`,
    ];
    const chunks = [sha256('a'.repeat(65536)), sha256('a'.repeat(1024)), EMPTY];

    it('verifies the seed and every chunk, and stops at a forged one', () => {
      const received: ReceivedRequest = {
        method: 'PUT',
        url: '/examplebucket/chunkObject.txt',
        rawHeaders: seedHeaders(
          'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          ['Content-Length', '66824'],
          'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
          '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        ),
      };
      expect(check(received, { now: at2013 })).toEqual({ ok: true });
      const signatures = [
        'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
        '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
        'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
      ];
      const chain = new ChunkSignatureChain(readSigV4(received)!, SECRET);
      expect(chunks.map((hash, i) => chain.verifyChunk(hash, signatures[i]!))).toEqual([true, true, true]);

      const tampered = new ChunkSignatureChain(readSigV4(received)!, SECRET);
      expect(tampered.verifyChunk(sha256('a'.repeat(65535) + 'b'), signatures[0]!)).toBe(false);
      expect(tampered.verifyChunk(chunks[1]!, signatures[1]!)).toBe(false); // the chain stays broken
      const reordered = new ChunkSignatureChain(readSigV4(received)!, SECRET);
      expect(reordered.verifyChunk(chunks[1]!, signatures[1]!)).toBe(false);
      expect(new ChunkSignatureChain(readSigV4(received)!, SECRET.toLowerCase()).verifyChunk(chunks[0]!, signatures[0]!)).toBe(false);
    });

    it('with a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, x-amz-checksum-crc32c)', () => {
      const received: ReceivedRequest = {
        method: 'PUT',
        url: '/examplebucket/chunkObject.txt',
        rawHeaders: seedHeaders(
          'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
          ['x-amz-trailer', 'x-amz-checksum-crc32c'],
          'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
          '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
        ),
      };
      expect(check(received, { now: at2013 })).toEqual({ ok: true });
      const signatures = [
        'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
        '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
        '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
      ];
      const trailerSignature = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';
      const chain = new ChunkSignatureChain(readSigV4(received)!, SECRET);
      expect(chunks.map((hash, i) => chain.verifyChunk(hash, signatures[i]!))).toEqual([true, true, true]);
      expect(chain.verifyTrailer('x-amz-checksum-crc32c:sOO8/Q==\n', trailerSignature)).toBe(true);

      const forged = new ChunkSignatureChain(readSigV4(received)!, SECRET);
      chunks.forEach((hash, i) => forged.verifyChunk(hash, signatures[i]!));
      expect(forged.verifyTrailer('x-amz-checksum-crc32c:AAAAAA==\n', trailerSignature)).toBe(false);
    });
  });
});

describe('requests signed by smithy’s SignatureV4', () => {
  const keys = [
    'plain.txt',
    'a key with spaces/and more.txt',
    "sub-delims !$&'()*+,;=:@ ~tilde_under-dash.dot",
    'plus+and%percent',
    'unicode é 中文 😀/ключ',
    'dots/../and/./double//slashes/',
  ];

  it.each(keys)('S3 PUT with the key %j: verifies, and one changed byte does not', async (key) => {
    const body = 'hello';
    const received = await signed(
      's3',
      request(
        'PUT',
        s3Path('bucket', key),
        { 'x-amz-content-sha256': sha256(body), 'content-type': 'text/plain' },
        { 'x-id': 'PutObject' },
      ),
    );
    expect(check(received)).toEqual({ ok: true });
    expect(reason(check(received, { secret: `${SECRET.slice(0, -1)}X` }))).toBe('signature');
    expect(reason(check(withHeader(received, 'content-type', 'text/html')))).toBe('signature');
    expect(reason(check(withHeader(received, 'x-amz-content-sha256', sha256('hellO'))))).toBe('signature');
    expect(reason(check({ ...received, url: received.url.replace('/bucket/', '/bucket2/') }))).toBe('signature');
    expect(reason(check({ ...received, url: received.url.replace('PutObject', 'PutObjecT') }))).toBe('signature');
  });

  it('S3 takes other clients’ encodings of the same key: bare sub-delims, lower-case hex', async () => {
    const key = "it's (a) key!*~é";
    const received = await signed('s3', request('GET', s3Path('bucket', key), { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }));
    expect(received.url).toBe('/bucket/it%27s%20%28a%29%20key%21%2A~%C3%A9');
    for (const url of ["/bucket/it's%20(a)%20key!*~%c3%a9", '/bucket/it%27s%20%28a%29%20key%21%2A%7E%C3%A9'])
      expect(check({ ...received, url })).toEqual({ ok: true });
    // '..' and '//' in a key are signed as they are, not normalised away
    const dots = await signed('s3', request('GET', '/bucket/a/../b', { 'x-amz-content-sha256': EMPTY }));
    expect(reason(check({ ...dots, url: '/bucket/b' }))).toBe('signature');
  });

  it('S3 ListObjectsV2 with prefix, delimiter and a continuation token (query encoding and order)', async () => {
    const received = await signed(
      's3',
      request(
        'GET',
        '/bucket',
        { 'x-amz-content-sha256': EMPTY },
        { 'list-type': '2', prefix: 'a b/é+', delimiter: '/', 'continuation-token': 'x=y&z' },
      ),
    );
    expect(check(received)).toEqual({ ok: true });
    expect(reason(check({ ...received, url: received.url.replace('delimiter=%2F', 'delimiter=%2C') }))).toBe('signature');
  });

  it('S3 payload kinds: UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER are signed as named', async () => {
    for (const payload of ['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
      const received = await signed(
        's3',
        request('PUT', '/bucket/key', { 'x-amz-content-sha256': payload, 'x-amz-trailer': 'x-amz-checksum-crc32' }),
      );
      expect(check(received)).toEqual({ ok: true });
      expect(reason(check(withHeader(received, 'x-amz-content-sha256', EMPTY)))).toBe('signature');
    }
  });

  it('repeated headers are joined with "," and values trimmed with runs of spaces collapsed', async () => {
    const received = await signed(
      's3',
      request('GET', '/bucket/key', { 'x-amz-content-sha256': EMPTY, 'x-amz-meta-list': 'a,b', 'x-amz-meta-text': 'one   two' }),
    );
    const split: ReceivedRequest = {
      ...received,
      rawHeaders: [
        ...withHeader(received, 'x-amz-meta-list', 'a').rawHeaders,
        'X-Amz-Meta-List',
        '  b ',
        'x-amz-meta-text-extra',
        'unsigned',
      ],
    };
    expect(check(withHeader(split, 'x-amz-meta-text', '  one \t two  '))).toEqual({ ok: true });
    expect(reason(check({ ...split, rawHeaders: [...split.rawHeaders, 'x-amz-meta-list', 'c'] }))).toBe('signature');
  });

  it('a session token is read from the header and signed', async () => {
    const received = await signed('s3', request('GET', '/bucket/key', { 'x-amz-content-sha256': EMPTY }), 'session-token/+=');
    expect(readSigV4(received)?.securityToken).toBe('session-token/+=');
    expect(check(received)).toEqual({ ok: true });
    expect(reason(check(withHeader(received, 'x-amz-security-token', 'other')))).toBe('signature');
  });

  it.each([
    [
      'sqs',
      'application/x-amz-json-1.0',
      { 'x-amz-target': 'AmazonSQS.SendMessage' },
      '{"QueueUrl":"http://localhost:4566/000000000000/q","MessageBody":"hi é"}',
    ],
    [
      'redshift-data',
      'application/x-amz-json-1.1',
      { 'x-amz-target': 'RedshiftData.ExecuteStatement' },
      '{"Sql":"select 1","Database":"dev"}',
    ],
    [
      'sts',
      'application/x-www-form-urlencoded',
      {},
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fr',
    ],
  ])('%s: the body hash the caller passes is what is verified', async (service, contentType, headers, body) => {
    // no x-amz-content-sha256 header: these services sign the body itself
    const toSign = request('POST', '/', { 'content-type': contentType, ...headers }, undefined, body);
    const s = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: NodeSha256, applyChecksum: false });
    const received = wire((await s.sign(toSign)) as Signable);
    expect(received.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-amz-content-sha256');
    expect(check(received, { payloadHash: sha256(body) })).toEqual({ ok: true });
    expect(reason(check(received, { payloadHash: sha256(`${body} `) }))).toBe('signature');
    expect(reason(check(received, { payloadHash: sha256(body), secret: 'other' }))).toBe('signature');
    expect(reason(check(withHeader(received, 'content-type', 'text/plain'), { payloadHash: sha256(body) }))).toBe('signature');
  });

  it('other services sign the path normalised and encoded twice', async () => {
    const path = '/2015-03-31/functions/./my%20fn//x/../invocations/';
    const received = await signed('lambda', request('POST', path, {}, { Qualifier: 'v 1' }, '{}'));
    expect(received.url.startsWith(path)).toBe(true); // the wire path as the SDK sends it, not normalised
    const result = check(received, { payloadHash: sha256('{}') });
    expect(result).toEqual({ ok: true });
    const auth = readSigV4(received)!;
    expect(expectedSignature(received, auth, SECRET, { payloadHash: sha256('{}') }).canonicalRequest.split('\n')[1]).toBe(
      '/2015-03-31/functions/my%2520fn/invocations/',
    );
    expect(reason(check({ ...received, url: received.url.replace('my%20fn', 'my%20fm') }, { payloadHash: sha256('{}') }))).toBe(
      'signature',
    );
  });

  it('STS GET with the query in the URL; a changed query value fails', async () => {
    const received = await signed('sts', request('GET', '/', {}, { Action: 'GetCallerIdentity', Version: '2011-06-15' }));
    expect(check(received, { payloadHash: EMPTY })).toEqual({ ok: true });
    expect(reason(check({ ...received, url: received.url.replace('2011-06-15', '2011-06-16') }, { payloadHash: EMPTY }))).toBe('signature');
  });

  it('presigned: S3 (hoisted X-Amz-Content-Sha256, a session token) and STS (as an EKS token is)', async () => {
    const signingDate = new Date(Date.now() - 60_000);
    const s3 = wire(
      (await signer('s3', 'token+/=').presign(
        request('GET', s3Path('bucket', 'a b/é.txt'), { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' }),
        {
          expiresIn: 900,
          signingDate,
        },
      )) as Signable,
    );
    expect(s3.url).toContain('X-Amz-Content-Sha256=UNSIGNED-PAYLOAD');
    const auth = readSigV4(s3)!;
    expect(auth).toMatchObject({ form: 'query', securityToken: 'token+/=', expiresSeconds: 900, signedHeaders: ['host'] });
    expect(presignedExpiry(auth)).toBe(Math.floor(signingDate.getTime() / 1000) * 1000 + 900_000);
    expect(check(s3)).toEqual({ ok: true });
    expect(reason(check({ ...s3, url: s3.url.replace('Expires=900', 'Expires=901') }))).toBe('signature');
    expect(reason(check({ ...s3, url: s3.url.replace('/bucket/', '/Bucket/') }))).toBe('signature');
    expect(reason(check(s3, { secret: 'other' }))).toBe('signature');
    // a presigned PUT bound to its body's hash (the header hoisted under whatever case it had)
    const put = wire((await signer('s3').presign(request('PUT', '/bucket/k', { 'x-amz-content-sha256': sha256('body') }))) as Signable);
    expect(put.url).toContain(`x-amz-content-sha256=${sha256('body')}`);
    expect(check(put)).toEqual({ ok: true });
    expect(reason(check({ ...put, url: put.url.replace(sha256('body'), sha256('other')) }))).toBe('signature');

    const sts = wire(
      (await signer('sts').presign(
        request('GET', '/', { 'x-k8s-aws-id': 'cluster' }, { Action: 'GetCallerIdentity', Version: '2011-06-15' }),
        {
          expiresIn: 60,
        },
      )) as Signable,
    );
    expect(readSigV4(sts)?.signedHeaders).toEqual(['host', 'x-k8s-aws-id']);
    expect(check(sts, { payloadHash: EMPTY })).toEqual({ ok: true });
    expect(reason(check(withHeader(sts, 'x-k8s-aws-id', 'other'), { payloadHash: EMPTY }))).toBe('signature');
  });

  it('a chunked body built by the documented algorithm from smithy’s seed signature verifies chunk by chunk', async () => {
    const data = Buffer.from('x'.repeat(10_000) + 'é'.repeat(100));
    const received = await signed(
      's3',
      request('PUT', '/bucket/streamed', {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
      }),
    );
    const auth = readSigV4(received)!;
    expect(check(received)).toEqual({ ok: true });
    // Written out here from the docs (not with the module): each chunk signs the previous signature and its data's hash.
    const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, auth.scope.date), 'us-east-1'), 's3'), 'aws4_request');
    const scope = `${auth.scope.date}/us-east-1/s3/aws4_request`;
    let previous = auth.signature;
    const pieces = [data.subarray(0, 8192), data.subarray(8192), Buffer.alloc(0)];
    let body = '';
    for (const piece of pieces) {
      previous = hmac(key, ['AWS4-HMAC-SHA256-PAYLOAD', auth.requestDate, scope, previous, EMPTY, sha256(piece)].join('\n')).toString(
        'hex',
      );
      body += `${piece.length.toString(16)};chunk-signature=${previous}\r\n${piece.toString('latin1')}\r\n`;
    }
    const trailer = 'x-amz-checksum-crc32:AAAAAA==\n';
    const trailerSignature = hmac(
      key,
      ['AWS4-HMAC-SHA256-TRAILER', auth.requestDate, scope, previous, sha256(trailer)].join('\n'),
    ).toString('hex');
    body += `x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`;

    // read it back as a server would, and verify
    const chain = new ChunkSignatureChain(auth, SECRET);
    const results: boolean[] = [];
    let rest = Buffer.from(body, 'latin1');
    for (;;) {
      const header = rest.subarray(0, rest.indexOf('\r\n')).toString('latin1');
      const [size, signature] = [parseInt(header.split(';')[0]!, 16), header.split('chunk-signature=')[1]!];
      const chunk = rest.subarray(header.length + 2, header.length + 2 + size);
      results.push(chain.verifyChunk(sha256(chunk), signature));
      rest = rest.subarray(header.length + 2 + size + 2);
      if (size === 0) break;
    }
    const [checksumLine, signatureLine] = rest.toString('latin1').split('\r\n');
    results.push(chain.verifyTrailer(`${checksumLine}\n`, signatureLine!.split(':')[1]!));
    expect(results).toEqual([true, true, true, true]);
  });
});

describe('reading the authentication', () => {
  const s3Auth = (fields: string, extra: string[] = []): ReceivedRequest => ({
    method: 'GET',
    url: '/bucket/key',
    rawHeaders: [
      'host',
      'localhost',
      'x-amz-date',
      '20130524T000000Z',
      'x-amz-content-sha256',
      EMPTY,
      ...extra,
      'Authorization',
      `AWS4-HMAC-SHA256 ${fields}`,
    ],
  });
  const credential = 'Credential=AKID/20130524/us-east-1/s3/aws4_request';

  it('anonymous and SigV2 requests carry no SigV4 authentication', () => {
    expect(readSigV4({ method: 'GET', url: '/bucket/key', rawHeaders: ['host', 'localhost'] })).toBeUndefined();
    expect(readSigV4({ method: 'GET', url: '/b/k', rawHeaders: ['Authorization', 'AWS AKID:c2lnbmF0dXJl'] })).toBeUndefined();
    expect(readSigV4({ method: 'GET', url: '/b/k?AWSAccessKeyId=AKID&Expires=1&Signature=x', rawHeaders: [] })).toBeUndefined();
  });

  it('reads the header form with or without spaces after the commas', () => {
    const auth = readSigV4(s3Auth(`${credential},SignedHeaders=host;x-amz-date,Signature=abc`));
    expect(auth).toEqual({
      form: 'header',
      accessKeyId: 'AKID',
      scope: { date: '20130524', region: 'us-east-1', service: 's3' },
      requestDate: '20130524T000000Z',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc',
    });
    expect(readSigV4(s3Auth(`${credential},  SignedHeaders=host;x-amz-date , Signature=abc`))).toEqual(auth);
    expect(requestTime(auth!)).toBe(Date.UTC(2013, 4, 24));
  });

  it.each([
    ['no Signature (S3)', s3Auth(`${credential}, SignedHeaders=host`), 'AuthorizationHeaderMalformed'],
    [
      'a short credential (S3 scope unknown)',
      s3Auth('Credential=AKID/20130524/s3/aws4_request, SignedHeaders=host, Signature=a'),
      'IncompleteSignature',
    ],
    [
      'a bad terminator',
      s3Auth('Credential=AKID/20130524/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=a'),
      'AuthorizationHeaderMalformed',
    ],
    [
      'scope date ≠ x-amz-date (S3)',
      s3Auth('Credential=AKID/20130525/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=a'),
      'AuthorizationHeaderMalformed',
    ],
    [
      'scope date ≠ x-amz-date (SQS)',
      s3Auth('Credential=AKID/20130525/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=a'),
      'SignatureDoesNotMatch',
    ],
    ['a pair without "="', s3Auth(`${credential}, SignedHeaders, Signature=a`), 'AuthorizationHeaderMalformed'],
    [
      'no x-amz-content-sha256 (S3)',
      {
        ...s3Auth(`${credential}, SignedHeaders=host, Signature=a`),
        rawHeaders: ['x-amz-date', '20130524T000000Z', 'Authorization', `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=host, Signature=a`],
      },
      'InvalidRequest',
    ],
    [
      'a bad x-amz-content-sha256 (S3)',
      withHeader(s3Auth(`${credential}, SignedHeaders=host, Signature=a`), 'x-amz-content-sha256', 'abc'),
      'InvalidArgument',
    ],
    [
      'a bad x-amz-date',
      withHeader(s3Auth(`${credential}, SignedHeaders=host, Signature=a`), 'x-amz-date', '20131324T000000Z'),
      'AuthorizationHeaderMalformed',
    ],
    [
      'SigV4a',
      {
        method: 'GET',
        url: '/',
        rawHeaders: ['Authorization', 'AWS4-ECDSA-P256-SHA256 Credential=AKID/20130524/s3/aws4_request, SignedHeaders=host, Signature=a'],
      },
      'IncompleteSignature',
    ],
    [
      'header and query both',
      { ...s3Auth(`${credential}, SignedHeaders=host, Signature=a`), url: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256' },
      'IncompleteSignature',
    ],
    [
      'a query form missing X-Amz-Expires (S3)',
      {
        method: 'GET',
        url: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=a',
        rawHeaders: [],
      },
      'AuthorizationQueryParametersError',
    ],
    [
      'X-Amz-Expires over a week (S3)',
      {
        method: 'GET',
        url: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=a',
        rawHeaders: [],
      },
      'AuthorizationQueryParametersError',
    ],
    [
      'another algorithm in the query (STS)',
      {
        method: 'GET',
        url: '/?X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=a',
        rawHeaders: [],
      },
      'IncompleteSignature',
    ],
  ] as [string, ReceivedRequest, string][])('refuses %s', (_what, received, code) => {
    expect(formatCode(received)).toBe(code);
  });

  it('takes the Date header when there is no x-amz-date', () => {
    const received: ReceivedRequest = {
      method: 'GET',
      url: '/',
      rawHeaders: [
        'Date',
        'Fri, 24 May 2013 00:00:00 GMT',
        'Authorization',
        'AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/sqs/aws4_request, SignedHeaders=date;host, Signature=a',
      ],
    };
    expect(readSigV4(received)?.requestDate).toBe('20130524T000000Z');
    expect(formatCode({ ...received, rawHeaders: received.rawHeaders.slice(2) })).toBe('IncompleteSignature');
  });
});

describe('the request time', () => {
  it('a header-signed request more than 15 minutes off is skewed, whichever way; presigned URLs are not', async () => {
    const signingDate = new Date(Date.UTC(2024, 0, 1, 12));
    const received = wire(
      (await signer('s3').sign(request('GET', '/bucket/key', { 'x-amz-content-sha256': EMPTY }), { signingDate })) as Signable,
    );
    const at = (minutes: number) => signingDate.getTime() + minutes * 60_000;
    expect(check(received, { now: at(14.9) })).toEqual({ ok: true });
    expect(check(received, { now: at(-14.9) })).toEqual({ ok: true });
    expect(reason(check(received, { now: at(15.1) }))).toBe('skew');
    expect(reason(check(received, { now: at(-15.1) }))).toBe('skew');
    const result = check(received, { now: at(60) });
    expect(!result.ok && result.stringToSign.split('\n')[1]).toBe('20240101T120000Z');

    const presigned = wire(
      (await signer('s3').presign(request('GET', '/bucket/key', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), {
        signingDate,
        expiresIn: 60,
      })) as Signable,
    );
    expect(check(presigned, { now: at(120) })).toEqual({ ok: true });
  });
});

describe('on the wire: real SDK clients against a node:http server', () => {
  interface Seen {
    method: string;
    url: string;
    service?: string;
    result: string;
  }
  const seen: Seen[] = [];
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: ReceivedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders };
        let result: string;
        let service: string | undefined;
        try {
          const auth = readSigV4(received);
          service = auth?.scope.service;
          const payloadHash = service === 's3' ? undefined : sha256(Buffer.concat(chunks));
          result = auth ? reason(verifySigV4(received, auth, 'secret', { payloadHash })) : 'anonymous';
        } catch (error) {
          result = error instanceof SigV4FormatError ? `malformed ${error.code}` : `error ${String(error)}`;
        }
        seen.push({ method: received.method, url: received.url, service, result });
        if (service === 's3' && req.method === 'GET' && req.url?.includes('list-type=2')) {
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><KeyCount>0</KeyCount></ListBucketResult>');
        } else if (service === 's3') {
          res.writeHead(200, { etag: '"5d41402abc4b2a76b9719d911017c592"' });
          res.end(req.method === 'GET' ? 'hello' : '');
        } else if (service === 'sts') {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
          );
        } else {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const clientCredentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
  const s3Client = (secretAccessKey = 'secret') =>
    new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { ...clientCredentials, secretAccessKey },
      maxAttempts: 1,
    });
  const ignoreParseErrors = (promise: Promise<unknown>) => promise.catch(() => undefined);

  it('S3Client: PutObject of keys with spaces, unicode, "..", "//"; ListObjectsV2; GetObject', async () => {
    const s3 = s3Client();
    const keys = ['a key with spaces/é 中文 😀.txt', "odd +~!'()*$&=;:@,.txt", 'dots/../x//y/./z'];
    for (const Key of keys) await ignoreParseErrors(s3.send(new PutObjectCommand({ Bucket: 'bucket', Key, Body: 'hello' })));
    await ignoreParseErrors(s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'a key with spaces/é', Delimiter: '/' })));
    await ignoreParseErrors(s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: keys[0] })));
    expect(seen.map((s) => s.result)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(seen[2]!.url).toContain('/dots/../x//y/./z'); // sent as is, and verified as is
    expect(seen[3]!.url).toContain('prefix=a%20key%20with%20spaces%2F%C3%A9');

    await ignoreParseErrors(s3Client('wrong').send(new PutObjectCommand({ Bucket: 'bucket', Key: keys[0], Body: 'hello' })));
    expect(seen[5]!.result).toBe('signature');
  });

  it('a presigned URL from getSignedUrl, fetched', async () => {
    const url = await getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: 'bucket', Key: 'a key/é.txt' }), { expiresIn: 300 });
    await fetch(url);
    expect(seen).toEqual([expect.objectContaining({ service: 's3', result: 'ok' })]);
  });

  it('SQSClient SendMessage and STSClient GetCallerIdentity (bodies hashed by the server)', async () => {
    const sqs = new SQSClient({ region: 'us-east-1', endpoint, credentials: clientCredentials, maxAttempts: 1 });
    await ignoreParseErrors(sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/queue`, MessageBody: 'hello é 😀' })));
    const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: clientCredentials, maxAttempts: 1 });
    await ignoreParseErrors(sts.send(new GetCallerIdentityCommand({})));
    const wrong = new SQSClient({
      region: 'us-east-1',
      endpoint,
      credentials: { ...clientCredentials, secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    await ignoreParseErrors(wrong.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/queue`, MessageBody: 'x' })));
    expect(seen.map((s) => [s.service, s.result])).toEqual([
      ['sqs', 'ok'],
      ['sts', 'ok'],
      ['sqs', 'signature'],
    ]);
  });

  const hasBoto3 = spawnSync('/usr/bin/python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
  (hasBoto3 ? it : it.skip)('boto3 (botocore’s signer): S3 put_object and list_objects_v2, STS get_caller_identity', async () => {
    const script = [
      'import sys, boto3',
      'from botocore.config import Config',
      "kw = dict(endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='AKIAEXAMPLE', aws_secret_access_key='secret')",
      "s3 = boto3.client('s3', config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}), **kw)",
      "s3.put_object(Bucket='bucket', Key='a key with spaces/é 😀+~!.txt', Body=b'hello')",
      "s3.put_object(Bucket='bucket', Key='dots/../x//y', Body=b'hello')",
      "s3.list_objects_v2(Bucket='bucket', Prefix='a key/é', Delimiter='/')",
      "boto3.client('sts', **kw).get_caller_identity()",
      "kw['aws_secret_access_key'] = 'wrong'",
      "try: boto3.client('s3', config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}), **kw).put_object(Bucket='bucket', Key='k', Body=b'x')",
      'except Exception: pass',
    ].join('\n');
    await promisify(execFile)('/usr/bin/python3', ['-c', script, endpoint]).catch((error: Error) => {
      throw new Error(`boto3 script failed: ${error.message}`);
    });
    expect(seen.map((s) => [s.service, s.result])).toEqual([
      ['s3', 'ok'],
      ['s3', 'ok'],
      ['s3', 'ok'],
      ['sts', 'ok'],
      ['s3', 'signature'],
    ]);
  });
});
