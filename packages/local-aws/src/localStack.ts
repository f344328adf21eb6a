import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createS3Server, S3Store } from './s3';
import { createSqsServer, SqsStore } from './sqs';
import type { LocalEndpoints } from './localAccount';
import { LOCAL_REGION } from './localAccount';

export interface LocalStackOptions {
  /** Where state is kept; a restart on the same folder loses nothing acknowledged. Default `.local`. */
  dir: string;
  /** Ports to listen on (0 picks a free one). Defaults: S3 4569, SQS 9324. */
  ports?: { s3?: number; sqs?: number };
  host?: string;
}

export interface LocalStack {
  endpoints: LocalEndpoints;
  /** The environment a handler or a shell needs to use the stack with the real AWS SDK or CLI. */
  env: Record<string, string>;
  s3: S3Store;
  sqs: SqsStore;
  stop: () => Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** Starts the local S3 and SQS in this process, on the given ports, with state in `dir`. */
export async function startLocalStack({ dir, ports = {}, host = '127.0.0.1' }: LocalStackOptions): Promise<LocalStack> {
  const s3 = await S3Store.open(path.join(dir, 's3'));
  const sqs = await SqsStore.open(path.join(dir, 'sqs'));
  const servers = [createS3Server(s3), createSqsServer(sqs)] as const;
  try {
    const endpoints: LocalEndpoints = {
      s3: await listen(servers[0], ports.s3 ?? 4569, host),
      sqs: await listen(servers[1], ports.sqs ?? 9324, host),
      redshiftData: '',
    };
    const env = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    };
    const stop = async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await s3.close();
      await sqs.close();
    };
    return { endpoints, env, s3, sqs, stop };
  } catch (error) {
    for (const server of servers) server.close();
    await s3.close();
    await sqs.close();
    throw error;
  }
}
