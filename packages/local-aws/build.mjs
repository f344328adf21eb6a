// The package as published: TypeScript compiled to CommonJS in dist/ (tsconfig.build.json),
// with the two CommonJS files the compiler does not copy (the PGlite worker, the parent tether).
import { execFileSync } from 'node:child_process';
import { copyFileSync, globSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const outDir = path.join(here, 'dist');
rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of globSync('src/**/*.cjs', { cwd: here })) {
  mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
  copyFileSync(path.join(here, file), path.join(outDir, file));
}
// the licence travels with the package (npm packs a LICENSE beside package.json with any "files")
copyFileSync(path.join(here, '..', '..', 'LICENSE'), path.join(outDir, 'LICENSE'));
console.log(`built ${path.relative(process.cwd(), outDir) || outDir}`);
