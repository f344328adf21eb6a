/**
 * Runs in a fresh Node process: `node invokeChild.js <handler bundle> <export> <event.json>`.
 * Loads a handler bundle, invokes it once with the event, and prints one JSON line: the
 * invocation's wall and CPU time, the process's peak RSS (VmHWM), the init time, the response,
 * and the AWS requests it made by price class — counted on `http.request`, by the local
 * endpoint they go to (S3 GET/HEAD read, DELETE free, other S3 write; SQS each one).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { peakRssMb } from './peakRss';

const [bundle, exportName, eventFile] = process.argv.slice(2) as [string, string, string];
const requests = { s3Write: 0, s3Read: 0, sqs: 0 };
const portOf = (url: string | undefined) => (url ? new URL(url).port : undefined);
const s3Port = portOf(process.env.AWS_ENDPOINT_URL_S3);
const sqsPort = portOf(process.env.AWS_ENDPOINT_URL_SQS);

const originalRequest = http.request;
http.request = function countedRequest(this: unknown, ...args: Parameters<typeof http.request>) {
  const options = args[0] as http.RequestOptions | string | URL;
  if (typeof options === 'object' && !(options instanceof URL)) {
    const port = String(options.port ?? '');
    const method = (options.method ?? 'GET').toUpperCase();
    if (port === s3Port) {
      if (method === 'GET' || method === 'HEAD') requests.s3Read++;
      else if (method !== 'DELETE') requests.s3Write++;
    } else if (port === sqsPort) requests.sqs++;
  }
  return originalRequest.apply(this, args);
} as typeof http.request;

(async () => {
  const initStarted = process.hrtime.bigint();
  const handler = (require(bundle) as Record<string, (event: unknown, context: unknown) => Promise<unknown>>)[exportName]!;
  const initMs = Number(process.hrtime.bigint() - initStarted) / 1e6;
  const event = JSON.parse(readFileSync(eventFile, 'utf8')) as unknown;
  const timeoutMs = 900_000;
  const started = Date.now();
  const context = {
    functionName: 'tune',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tune',
    memoryLimitInMB: '10240',
    awsRequestId: `tune-${process.pid}`,
    logGroupName: '/aws/lambda/tune',
    logStreamName: 'tune',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started),
  };
  Object.assign(requests, { s3Write: 0, s3Read: 0, sqs: 0 }); // the invocation's own requests only
  const cpuBefore = process.cpuUsage();
  const wallStarted = process.hrtime.bigint();
  const response = await handler(event, context);
  const wallMs = Number(process.hrtime.bigint() - wallStarted) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    `\n${JSON.stringify({ initMs, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRssMb(), requests, response })}\n`,
  );
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
