import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';

jest.setTimeout(180_000);

/** The package as `pnpm publish` would ship it: built to dist/, loading only what it declares, its bin running without TypeScript. */
const PACKAGE = path.resolve(__dirname, '..');
const DIST = path.join(PACKAGE, 'dist');
const manifest = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  publishConfig: { main: string; bin: Record<string, string>; exports: Record<string, { default: string }> };
};

/** The package a module specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a relative path or a Node builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('@etl/local-aws as a published package', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(PACKAGE, 'build.mjs')], { cwd: PACKAGE, stdio: 'pipe' });
  });

  it('builds every file publishConfig names', () => {
    const named = [
      manifest.publishConfig.main,
      ...Object.values(manifest.publishConfig.bin),
      ...Object.values(manifest.publishConfig.exports).map((e) => e.default),
    ];
    for (const file of named) expect(readFileSync(path.join(PACKAGE, file), 'utf8').length).toBeGreaterThan(0);
    expect(readFileSync(path.join(PACKAGE, manifest.publishConfig.bin['local-aws']!), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('loads only the packages it declares, and none of this repository', () => {
    const loaded = new Map<string, string>();
    for (const file of globSync('**/*.{js,cjs}', { cwd: DIST })) {
      for (const [, specifier] of readFileSync(path.join(DIST, file), 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)) {
        const name = packageOf(specifier!);
        if (name) loaded.set(name, file);
      }
    }
    expect(loaded.size).toBeGreaterThan(3);
    const undeclared = [...loaded].filter(([name]) => !(name in manifest.dependencies)).map(([name, file]) => `${name} (dist/${file})`);
    expect(undeclared).toEqual([]);
    expect([...loaded.keys()].filter((name) => name.startsWith('@etl/'))).toEqual([]);
  });

  describe('the built stack, started as a child process by the built launchStack', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'local-aws-built-'));
    let child: ChildProcess;
    let endpoints: { s3: string; sqs: string; redshiftData: string };
    const clientOptions = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

    beforeAll(async () => {
      // the compiled JavaScript, as a user of the package requires it: no esbuild-register here or in the child
      const built = require(path.join(PACKAGE, manifest.publishConfig.main)) as typeof import('../src');
      const started = await built.launchStack([
        '--dir',
        dir,
        '--s3-port',
        '0',
        '--sqs-port',
        '0',
        '--redshift-port',
        '0',
        '--iam-port',
        '0',
      ]);
      child = started.child;
      endpoints = started.ready.endpoints;
    });
    afterAll(async () => {
      child?.kill('SIGTERM');
      await new Promise((resolve) => (child && child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers S3, SQS and the Data API', async () => {
      const s3 = new S3Client({ ...clientOptions, endpoint: endpoints.s3, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'built' }));
      await s3.send(new PutObjectCommand({ Bucket: 'built', Key: 'a/../b.txt', Body: 'exact key' }));
      const object = await s3.send(new GetObjectCommand({ Bucket: 'built', Key: 'a/../b.txt' }));
      expect(await object.Body!.transformToString()).toBe('exact key');

      const sqs = new SQSClient({ ...clientOptions, endpoint: endpoints.sqs });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'built' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(Messages.map((m) => m.Body)).toEqual(['hello']);

      const data = new RedshiftDataClient({ ...clientOptions, endpoint: endpoints.redshiftData });
      const { Id } = await data.send(
        new ExecuteStatementCommand({
          WorkgroupName: 'wg',
          Database: 'analytics',
          Sql: "SELECT DATEADD(day, 1, '2026-12-03'::date) AS next",
        }),
      );
      let status: string | undefined;
      while (status !== 'FINISHED' && status !== 'FAILED') {
        status = (await data.send(new DescribeStatementCommand({ Id }))).Status;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe('FINISHED');
      const result = await data.send(new GetStatementResultCommand({ Id }));
      expect(result.Records?.[0]?.[0]?.stringValue).toMatch(/^2026-12-04/);
      for (const client of [s3, sqs, data]) client.destroy();
    });
  });
});
