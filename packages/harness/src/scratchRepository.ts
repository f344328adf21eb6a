import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './serverlessCli';

/** A copy of this repository to change as a user would, with `etl` and git run in it. */
export interface ScratchRepository {
  root: string;
  /** The local stack's state folder of its `etl` commands (outside the copy). */
  state: string;
  /** `git <args>` in the copy (committed once as it was copied). */
  git: (...args: string[]) => string;
  /** `etl --dir <state> <args>` in the copy, as `pnpm etl` runs it; rejects with its output when it exits non-zero. */
  etl: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  /** Files changed or added since the copy, relative to its root. */
  changedFiles: () => string[];
  remove: () => Promise<void>;
}

/**
 * Copies the repository's tracked files (as a clean checkout has them) to a temporary folder and
 * links its installed packages (pnpm's links inside the workspace are relative, so each package
 * resolves the copy's siblings), then commits the copy so `changedFiles` shows what a test did.
 */
export function scratchRepository(prefix: string): ScratchRepository {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const state = mkdtempSync(path.join(tmpdir(), `${prefix}state-`));
  for (const tracked of execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT }).toString().split('\0').filter(Boolean)) {
    if (!existsSync(path.join(REPO_ROOT, tracked))) continue;
    mkdirSync(path.dirname(path.join(root, tracked)), { recursive: true });
    cpSync(path.join(REPO_ROOT, tracked), path.join(root, tracked));
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  symlinkSync(path.join(REPO_ROOT, '.toolchain'), path.join(root, '.toolchain'));
  for (const group of ['packages', 'services'])
    for (const dir of readdirSync(path.join(REPO_ROOT, group)))
      if (existsSync(path.join(REPO_ROOT, group, dir, 'node_modules')))
        cpSync(path.join(REPO_ROOT, group, dir, 'node_modules'), path.join(root, group, dir, 'node_modules'), {
          recursive: true,
          verbatimSymlinks: true,
        });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=scratch', '-c', 'user.email=scratch@localhost', ...args], { cwd: root })
      .toString()
      .trimEnd(); // a porcelain line may start with a space: keep it
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'scratch copy');
  const etl = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['-r', 'esbuild-register', 'packages/cli/bin/etl.ts', '--dir', state, ...args], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
  return {
    root,
    state,
    git,
    etl,
    changedFiles: () =>
      git('status', '--porcelain', '--untracked-files=all')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(3)),
    remove: async () => {
      await etl('down').catch(() => undefined); // the services a run left running
      rmSync(root, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    },
  };
}
