import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { roleCredentials, useStackWithBucket } from '@etl/harness/testing';
import { getIfExists } from '../src/s3Outcomes';

jest.setTimeout(60_000);

/** A function's grants on its own state: GetObject under `prefix`, ListBucket only with `s3:prefix` under it. */
const readAndListOnly = (bucket: string, prefix: string) => ({
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/${prefix}*` },
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': `${prefix}*` } },
    },
  ],
});

/**
 * Reading a state object that may not exist, as a function's role reads it: S3 answers a missing
 * key 403 (not 404) to a role without ListBucket on the whole bucket, which the planner and the
 * SQL worker have only for their own prefix.
 */
describe('getIfExists under a role that may list only its own prefix', () => {
  const local = useStackWithBucket('etl-data-test');
  const prefixOnly = readAndListOnly('etl-data-test', 'state/planner/');
  const clientAs = async (role: string, policy: { Statement: unknown[] }) =>
    new S3Client({
      endpoint: local.stack.endpoints.s3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: await roleCredentials(local.stack.endpoints, role, policy),
    });

  it('finds no state before the first write, then reads what is there', async () => {
    const s3 = await clientAs('planner-like', prefixOnly);
    expect(await getIfExists(s3, 'etl-data-test', 'state/planner/orders.json')).toBeUndefined();
    await local.s3.send(new PutObjectCommand({ Bucket: 'etl-data-test', Key: 'state/planner/orders.json', Body: '{"runId":"r"}' }));
    expect(await getIfExists(s3, 'etl-data-test', 'state/planner/orders.json')).toMatchObject({ text: '{"runId":"r"}' });
    s3.destroy();
  });

  it('says which permission is missing when the role may not even list its prefix', async () => {
    const s3 = await clientAs('no-list', { Statement: [prefixOnly.Statement[0]] });
    await expect(getIfExists(s3, 'etl-data-test', 'state/planner/none.json')).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::etl-data-test"'),
    });
    s3.destroy();
  });

  it('passes on a refusal that is not about a missing key', async () => {
    const s3 = await clientAs('other-prefix', prefixOnly);
    await local.s3.send(new PutObjectCommand({ Bucket: 'etl-data-test', Key: 'state/runs/x.json', Body: '{}' }));
    await expect(getIfExists(s3, 'etl-data-test', 'state/runs/x.json')).rejects.toMatchObject({ name: 'AccessDenied' });
    s3.destroy();
  });
});

/**
 * Two deliveries of one task race (a slice extracted twice at once): one reads the slice's
 * manifest and is refused (missing, 403 to this role), the other writes it, and the listing that
 * tells a missing key from a real refusal then shows it. That is a read to do again, not an
 * AccessDenied to dead-letter the task with.
 */
describe('getIfExists racing a writer', () => {
  const local = useStackWithBucket('etl-data-race');
  const policy = readAndListOnly('etl-data-race', 'state/runs/');

  it('reads the object written between its refused read and its listing', async () => {
    const s3 = new S3Client({
      endpoint: local.stack.endpoints.s3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: await roleCredentials(local.stack.endpoints, 'slice-worker', policy),
    });
    const key = 'state/runs/orders/r1/slices/0.json';
    let refused = 0;
    // the other delivery's write lands right after this one's GetObject was refused (the real stack's answer)
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (context.commandName === 'GetObjectCommand' && refused++ === 0)
            await local.s3.send(new PutObjectCommand({ Bucket: 'etl-data-race', Key: key, Body: '{"slice":0}' }));
          throw error;
        }
      },
      { step: 'initialize', name: 'writerInBetween' },
    );
    expect(await getIfExists(s3, 'etl-data-race', key)).toMatchObject({ text: '{"slice":0}' });
    expect(refused).toBe(1);
    s3.destroy();
  });
});
