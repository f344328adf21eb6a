import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../src/testStack';
import type { TestStack } from '../src/testStack';
import { localWorkgroupId } from '../src/warehouse/dataApiAuthorization';
import { installedClients } from './installedClients';

jest.setTimeout(120_000);

/** Debian's Python with python3-boto3 (installed by .ci/run). */
const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'boto3_conformance.py');

/** Each boto3 version this machine has: Debian's python3 first, then any python3 on PATH with another. */
const versions = installedClients(DEBIAN_PYTHON, 'python3', ['-c', 'import boto3; print(boto3.__version__)'], (stdout) => {
  const version = stdout.trim();
  return version ? { version, key: version } : undefined;
});
if (!versions.some(({ path: python }) => python === DEBIAN_PYTHON) && process.env.CI)
  throw new Error(`${DEBIAN_PYTHON} cannot import boto3: .ci/run installs Debian's python3-boto3`);

/** boto3 (botocore's own parsers and models) against the local stack: every check in boto3_conformance.py. */
(versions.length > 0 ? describe.each(versions) : describe.skip.each([{ path: DEBIAN_PYTHON, version: 'none' }]))(
  'boto3 $version against the local stack',
  ({ path: python }) => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await startTestStack('pglite');
    }, 120_000);
    afterAll(async () => {
      await stack?.cleanup();
    });

    it('passes every check: S3 errors and keys, copy, tagging, presigned URLs, notifications, SQS redrive, the Data API, IAM roles enforced', async () => {
      const run = await promisify(execFile)(python, [SCRIPT], {
        env: {
          ...process.env,
          ...stack.env,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          // IAM names a workgroup by its id, which Python cannot compute as the stack does
          LOCAL_WORKGROUP_ID: localWorkgroupId('etl-dev'),
        },
      }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
      const lines = run.stdout.trim().split('\n');
      expect({ failed: lines.filter((line) => !line.startsWith('ok ') && !line.startsWith('boto3 ')), stderr: run.stderr }).toEqual({
        failed: [],
        stderr: '',
      });
      expect(lines.filter((line) => line.startsWith('ok '))).toHaveLength(31);
    });
  },
);
