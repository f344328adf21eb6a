import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceDir } from '@etl/harness';
import type { Pipeline } from '@etl/pipeline-kit';

const SCHEMES: Record<string, RegExp> = { http: /^https?:\/\//, sql: /^(postgres|postgresql|mysql):\/\// };

/**
 * The extract service's params that point `pipeline` at `url`: the param its source's environment
 * variable (`urlEnv`, `connectionEnv`) is set from in services/extract/serverless.yml.
 */
export function sourceParamsFor(pipeline: Pipeline, url: string): Record<string, string> {
  const source = pipeline.source;
  const env = source.kind === 'http' ? source.urlEnv : source.kind === 'sql' ? source.connectionEnv : undefined;
  if (!env) throw new Error(`pipeline ${pipeline.name} reads ${source.kind} sources: --source-url is for http and sql sources`);
  if (!SCHEMES[source.kind]!.test(url))
    throw new Error(
      `pipeline ${pipeline.name} reads a${source.kind === 'http' ? 'n HTTP API: --source-url must start with http:// or https://' : ' database: --source-url must be postgres://… or mysql://…'}, not "${url.slice(0, 60)}"`,
    );
  const file = path.join(serviceDir('extract'), 'serverless.yml');
  const match = new RegExp(`^\\s+${env}:\\s*\\$\\{param:(\\w+)\\}`, 'm').exec(readFileSync(file, 'utf8'));
  if (!match)
    throw new Error(
      `${path.relative(process.cwd(), file)} sets no ${env} from a param: give the extract worker "${env}: \${param:<name>}"`,
    );
  return { [match[1]!]: url };
}
