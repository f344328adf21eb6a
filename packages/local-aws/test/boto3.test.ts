import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../src/testStack';
import type { TestStack } from '../src/testStack';

jest.setTimeout(120_000);

/** Debian's Python with python3-boto3 (installed by .ci/run). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'boto3_conformance.py');

function hasBoto3(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
}
const available = hasBoto3();
if (!available && process.env.CI) throw new Error(`${PYTHON} cannot import boto3: .ci/run installs Debian's python3-boto3`);

/** boto3 (botocore's own parsers and models) against the local stack: every check in boto3_conformance.py. */
(available ? describe : describe.skip)('boto3 against the local stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack('pglite');
  }, 120_000);
  afterAll(async () => {
    await stack?.cleanup();
  });

  it('passes every check: S3 errors and keys, copy, tagging, presigned URLs, notifications, SQS redrive, the Data API', async () => {
    const run = await promisify(execFile)(PYTHON, [SCRIPT], {
      env: { ...process.env, ...stack.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    const lines = run.stdout.trim().split('\n');
    expect({ failed: lines.filter((line) => !line.startsWith('ok ') && !line.startsWith('boto3 ')), stderr: run.stderr }).toEqual({
      failed: [],
      stderr: '',
    });
    expect(lines.filter((line) => line.startsWith('ok '))).toHaveLength(12);
  });
});
