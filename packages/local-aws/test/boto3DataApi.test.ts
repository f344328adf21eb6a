import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../src/testStack';
import type { Engine, TestStack } from '../src/testStack';
import { installedClients } from './installedClients';

jest.setTimeout(120_000);

/** Debian's Python with python3-boto3 (installed by .ci/run). */
const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'boto3_data_api.py');
const CHECKS = 12;

/** Each boto3 version this machine has: Debian's python3 first, then any python3 on PATH with another. */
const versions = installedClients(DEBIAN_PYTHON, 'python3', ['-c', 'import boto3; print(boto3.__version__)'], (stdout) => {
  const version = stdout.trim();
  return version ? { version, key: version } : undefined;
});
if (!versions.some(({ path: python }) => python === DEBIAN_PYTHON) && process.env.CI)
  throw new Error(`${DEBIAN_PYTHON} cannot import boto3: .ci/run installs Debian's python3-boto3`);

/**
 * boto3 (botocore's own models and parsers) against the local Redshift Data API, on PGlite and
 * on Postgres: every check in boto3_data_api.py — column metadata, DescribeTable, RedshiftPid,
 * a batch and its sub-statements, malformed Ids and bodies, results that do not exist.
 */
describe.each<Engine>(['pglite', 'postgres'])('boto3 against the local Data API on %s', (engine) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(engine);
  }, 120_000);
  afterAll(async () => {
    await stack?.cleanup();
  });

  (versions.length > 0 ? it.each(versions) : it.skip.each([{ path: DEBIAN_PYTHON, version: 'none' }]))(
    'boto3 $version passes every check',
    async ({ path: python }) => {
      const run = await promisify(execFile)(python, [SCRIPT], {
        env: { ...process.env, ...stack.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
      const lines = run.stdout.trim().split('\n');
      expect({ failed: lines.filter((line) => !line.startsWith('ok ') && !line.startsWith('boto3 ')), stderr: run.stderr }).toEqual({
        failed: [],
        stderr: '',
      });
      expect(lines.filter((line) => line.startsWith('ok '))).toHaveLength(CHECKS);
    },
  );
});
