import http from 'node:http';
import type { AddressInfo } from 'node:net';
import middy from '@middy/core';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { ListStatementsCommand } from '@aws-sdk/client-redshift-data';
import { cachedClients, injectClients } from './clients';
import type { ContextWithClients } from './clients';
import { redshiftDataClient, s3Client, sqsClient } from './awsClients';
import { lambdaContext } from './testing';

describe('injectClients', () => {
  it('builds each client once per container, across invocations', async () => {
    const factory = jest.fn(() => ({ id: Symbol('client') }));
    const seen: unknown[] = [];
    const handler = middy(async (_event: unknown, context: ContextWithClients<{ store: typeof factory }>) => {
      seen.push(context.clients.store);
    }).use(injectClients({ store: factory }));

    await handler({}, lambdaContext() as ContextWithClients<{ store: typeof factory }>);
    await handler({}, lambdaContext() as ContextWithClients<{ store: typeof factory }>);
    await handler({}, lambdaContext() as ContextWithClients<{ store: typeof factory }>);

    expect(factory).toHaveBeenCalledTimes(1);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[1]).toBe(seen[2]);
  });

  it('builds a client only when first used', () => {
    const used = jest.fn(() => 'used');
    const unused = jest.fn(() => 'unused');
    const clients = cachedClients({ used, unused })();
    expect(clients.used).toBe('used');
    expect(clients.used).toBe('used');
    expect(used).toHaveBeenCalledTimes(1);
    expect(unused).not.toHaveBeenCalled();
  });
});

describe('AWS client factories', () => {
  const requests: { method: string; url: string; target?: string; host?: string }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      target: req.headers['x-amz-target'] as string | undefined,
      host: req.headers.host,
    });
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/etl-data-dev/busy/') && requests.length < 5) {
        // S3 under load: 503 SlowDown, as it answers while a prefix scales up
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(req.headers['x-amz-target'] ? '{"QueueUrl":"http://local/q","Statements":[]}' : '');
    });
  });
  const saved = { ...process.env };

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_S3: url,
      AWS_ENDPOINT_URL_SQS: url,
      AWS_ENDPOINT_URL_REDSHIFT_DATA: url,
    });
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (requests.length = 0));

  it('sends S3 requests, path-style, to AWS_ENDPOINT_URL_S3', async () => {
    await s3Client().send(new HeadObjectCommand({ Bucket: 'etl-data-dev', Key: 'raw/x.gz' }));
    expect(requests).toEqual([expect.objectContaining({ method: 'HEAD', url: '/etl-data-dev/raw/x.gz' })]);
  });

  it('retries S3 SlowDown five times before giving up, not the SDK default three', async () => {
    await s3Client().send(new HeadObjectCommand({ Bucket: 'etl-data-dev', Key: 'busy/x.gz' }));
    expect(requests).toHaveLength(5);
  }, 30_000);

  it('sends SQS requests to AWS_ENDPOINT_URL_SQS', async () => {
    await sqsClient().send(new GetQueueUrlCommand({ QueueName: 'q' }));
    expect(requests).toEqual([expect.objectContaining({ method: 'POST', target: 'AmazonSQS.GetQueueUrl' })]);
  });

  it('sends Redshift Data API requests to AWS_ENDPOINT_URL_REDSHIFT_DATA', async () => {
    await redshiftDataClient().send(new ListStatementsCommand({}));
    expect(requests).toEqual([expect.objectContaining({ method: 'POST', target: 'RedshiftData.ListStatements' })]);
  });
});
