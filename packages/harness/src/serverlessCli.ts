import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { localParams } from './composeState';
import { cpuProfileArgs, EXIT_WITH_PARENT, stopProcess } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
import { FUNCTION_CREDENTIALS_ENV } from './functionRoles';
import type { FunctionCredentials } from './functionRoles';

/** The repository root (this file is packages/harness/src/serverlessCli.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export type ServiceName = 'extract' | 'transform' | 'load';

/** The osls CLI of this repository (the `serverless` binary, pinned in the root package.json). */
const SERVERLESS_JS = path.join(REPO_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

export function serviceDir(service: ServiceName): string {
  return path.join(REPO_ROOT, 'services', service);
}

function paramArgs(params: Record<string, string>): string[] {
  return Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
}

/** The parts of a serverless.yml read here. */
export interface ServiceConfig {
  params?: Record<string, Record<string, string | number | boolean>>;
  provider: { runtime?: string; environment?: Record<string, string> };
  /** `custom.esbuild`: serverless-esbuild's options, most of them passed to esbuild as they are. */
  custom?: { esbuild?: Record<string, unknown> };
  functions: Record<string, { handler: string; environment?: Record<string, string>; [key: string]: unknown }>;
}

/** A service's serverless.yml as plain data; CloudFormation short tags (!Ref, !Sub…) stay as plain values. */
export function serviceConfig(service: ServiceName): ServiceConfig {
  const document = parseDocument(readFileSync(path.join(serviceDir(service), 'serverless.yml'), 'utf8'), { logLevel: 'silent' });
  return document.toJS() as ServiceConfig;
}

/**
 * A service's params for a stage as its serverless.yml declares them (`params.default`
 * overlaid with `params.<stage>`), so tests compare the template with the declared sizing.
 */
export function stageParams(service: ServiceName, stage: string): Record<string, string | number | boolean> {
  const params = serviceConfig(service).params ?? {};
  return { ...params.default, ...params[stage] };
}

/** A CloudFormation template as `serverless package` writes it. */
export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface PackageOptions {
  /** Where the package lands, relative to the service (default `.serverless-<stage>`). */
  outDir?: string;
  /**
   * The `--param` values (they win over the stage params of serverless.yml). Default: the
   * local outputs compose would pass, with the local stand-ins (see `localParams`).
   */
  params?: Record<string, string>;
}

/**
 * Packages one service with osls, no AWS credentials needed, and returns its CloudFormation
 * template (see {@link PackageOptions}).
 */
export async function packageService(service: ServiceName, stage: string, options: PackageOptions = {}): Promise<Template> {
  const cwd = serviceDir(service);
  const { outDir = `.serverless-${stage}`, params = localParams(REPO_ROOT, service, stage) } = options;
  const args = [SERVERLESS_JS, 'package', '--stage', stage, '--package', outDir, ...paramArgs(params)];
  try {
    await promisify(execFile)(process.execPath, args, {
      cwd,
      // its own esbuild work folder: packaging empties it, and a serverless offline of the same
      // service (another test, the background services) runs its handlers from the default one
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', ESBUILD_WORK_FOLDER: `.esbuild-package${outDir.replace(/^\.serverless/, '')}` },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed for ${service} (${stage}):\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  return JSON.parse(readFileSync(path.join(cwd, outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

export interface OfflineService {
  /** The `serverless offline` process (its own process group). */
  pid: number;
  /** Base URL of the offline Lambda endpoint (`AWS_ENDPOINT_URL_LAMBDA` for the SDK). */
  lambdaEndpoint: string;
  /** Offline function name: `<service>-<stage>-<function>`. */
  functionName: (fn: string) => string;
  output: () => string;
  /** Resolves when the output (logs of the handlers included) matches, rejects after `timeoutMs`. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
  /** SIGKILL of its process group, as a crashed worker dies: nothing settles. */
  kill: () => Promise<void>;
}

const MAX_OUTPUT = 8 * 1024 * 1024;

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts `serverless offline` for one service and resolves once its Lambda endpoint listens.
 * The handlers see `extraEnv` (e.g. `AWS_ENDPOINT_URL_*` for the local stack).
 */
export async function startOffline(
  service: ServiceName,
  {
    stage = 'dev',
    extraEnv = {},
    endpoints,
    timeoutMs = 60_000,
    freePorts = false,
    extraParams = {},
    functionCredentials,
    onOutput,
  }: {
    stage?: string;
    extraEnv?: Record<string, string>;
    endpoints?: LocalEndpoints;
    timeoutMs?: number;
    /** Listen on free ports instead of those in serverless.yml (for tests that may run side by side). */
    freePorts?: boolean;
    /** Params on top of the local ones (e.g. a sample source's URL). */
    extraParams?: Record<string, string>;
    /**
     * Each function's own role credentials ({@link functionCredentials}): the functions run as
     * their roles, as in Lambda. Without them, every function has the administrator's key.
     */
    functionCredentials?: FunctionCredentials;
    /** Told everything the service prints (its handlers' logs included), as it comes. */
    onOutput?: (text: string) => void;
  } = {},
): Promise<OfflineService> {
  const cwd = serviceDir(service);
  const serviceConfig = readFileSync(path.join(cwd, 'serverless.yml'), 'utf8');
  const serviceName = /^service:\s*(\S+)/m.exec(serviceConfig)?.[1];
  const configuredPort = /lambdaPort:\s*(\d+)/.exec(serviceConfig)?.[1];
  if (!configuredPort || !serviceName) {
    throw new Error(`services/${service}/serverless.yml: no service name or custom.serverless-offline.lambdaPort`);
  }
  const lambdaPort = freePorts ? String(await freePort()) : configuredPort;
  const portArgs = freePorts
    ? ['--lambdaPort', lambdaPort, '--httpPort', String(await freePort()), '--websocketPort', String(await freePort())]
    : [];

  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...cpuProfileArgs(),
      ...EXIT_WITH_PARENT,
      SERVERLESS_JS,
      'offline',
      'start',
      '--stage',
      stage,
      ...portArgs,
      ...paramArgs({ ...localParams(REPO_ROOT, service, stage, endpoints), ...extraParams }),
    ],
    {
      cwd,
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        ...extraEnv,
        ...(functionCredentials ? { [FUNCTION_CREDENTIALS_ENV]: JSON.stringify(functionCredentials) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'], // stdin: closes when this process dies, and the child then stops (EXIT_WITH_PARENT)
      detached: true,
    },
  );
  let output = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT / 2); // a service that runs for hours keeps its recent output
    onOutput?.(text);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);

  const stop = () => stopProcess(child, { group: true, graceMs: 5_000 });

  try {
    await waitFor(
      () => /Offline \[http for lambda\] listening on/.test(output) || child.exitCode !== null,
      timeoutMs,
      () => `serverless offline for ${service} did not start in ${timeoutMs} ms:\n${output}`,
    );
    if (child.exitCode !== null) throw new Error(`serverless offline for ${service} exited with ${child.exitCode}:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    lambdaEndpoint: `http://127.0.0.1:${lambdaPort}`,
    functionName: (fn) => `${serviceName}-${stage}-${fn}`,
    output: () => output,
    waitForOutput: (pattern, waitMs = 5_000) =>
      waitFor(
        () => pattern.test(output),
        waitMs,
        () => `no output matching ${pattern} in ${waitMs} ms:\n${output}`,
      ),
    stop,
    kill: () => stopProcess(child, { group: true, signal: 'SIGKILL' }),
  };
}
