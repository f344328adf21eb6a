import path from 'node:path';
import { buildSync } from 'esbuild';

export const BUILD_DIR = path.join(__dirname, '..', '.bench');

/**
 * Bundles a script under bench/ into .bench/<name>.js, as the Lambda handlers are bundled, so
 * the code measured is the code deployed: one scope, minified, the AWS SDK's ES module builds
 * (`mainFields`), a map without sources — the `custom.esbuild` of services/*\/serverless.yml.
 * Returns its path.
 */
export function bundleScript(file: string): string {
  const outfile = path.join(BUILD_DIR, path.basename(file).replace(/\.ts$/, '.js'));
  buildSync({
    entryPoints: [path.resolve(__dirname, file)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    outfile,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return outfile;
}
