import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../src/testStack';
import type { TestStack } from '../src/testStack';

jest.setTimeout(120_000);

/** Debian's Python with python3-boto3 (installed by .ci/run). */
const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'boto3_conformance.py');

/** Each Python (Debian's, then any on PATH) that imports a boto3 version not seen yet, with that version. */
function boto3Versions(): { python: string; boto3: string }[] {
  const pythons = [DEBIAN_PYTHON, ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'python3'))];
  const found = new Map<string, string>();
  for (const python of pythons) {
    if (!existsSync(python)) continue;
    const probe = spawnSync(python, ['-c', 'import boto3; print(boto3.__version__)'], { encoding: 'utf8', timeout: 30_000 });
    const version = probe.status === 0 ? probe.stdout.trim() : '';
    if (version && !found.has(version)) found.set(version, python);
  }
  return [...found].map(([boto3, python]) => ({ python, boto3 }));
}
const versions = boto3Versions();
if (!versions.some(({ python }) => python === DEBIAN_PYTHON) && process.env.CI)
  throw new Error(`${DEBIAN_PYTHON} cannot import boto3: .ci/run installs Debian's python3-boto3`);

/** boto3 (botocore's own parsers and models) against the local stack: every check in boto3_conformance.py. */
(versions.length > 0 ? describe.each(versions) : describe.skip.each([{ python: DEBIAN_PYTHON, boto3: 'none' }]))(
  'boto3 $boto3 against the local stack',
  ({ python }) => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await startTestStack('pglite');
    }, 120_000);
    afterAll(async () => {
      await stack?.cleanup();
    });

    it('passes every check: S3 errors and keys, copy, tagging, presigned URLs, notifications, SQS redrive, the Data API', async () => {
      const run = await promisify(execFile)(python, [SCRIPT], {
        env: { ...process.env, ...stack.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
      const lines = run.stdout.trim().split('\n');
      expect({ failed: lines.filter((line) => !line.startsWith('ok ') && !line.startsWith('boto3 ')), stderr: run.stderr }).toEqual({
        failed: [],
        stderr: '',
      });
      expect(lines.filter((line) => line.startsWith('ok '))).toHaveLength(14);
    });
  },
);
