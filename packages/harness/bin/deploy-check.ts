/**
 * `pnpm deploy:check --stage <name> [--param name=value …] [--template service=file …] [--json]`:
 * packages every service for the stage offline (or takes the template file given for it), checks
 * the templates and lists what a first deploy still needs.
 * Exits 1 when something would block the deploy, 2 when the check itself could not run.
 */
import { parseArgs } from 'node:util';
import { checkDeploy, formatDeployCheck } from '../src/deployCheck';

const { values } = parseArgs({
  options: {
    stage: { type: 'string' },
    param: { type: 'string', multiple: true, default: [] },
    template: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
});

function usage(message: string): never {
  console.error(
    `deploy:check: ${message}\nusage: pnpm deploy:check --stage <name> [--param name=value …] [--template service=file …] [--json]`,
  );
  process.exit(2);
}

if (!values.stage) usage('--stage is required');
const params = Object.fromEntries(
  values.param!.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) usage(`--param ${item}: expected name=value`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  }),
);

const templates = Object.fromEntries(
  values.template!.map((item) => {
    const [service, file] = item.split('=', 2);
    if (!['load', 'transform', 'extract'].includes(service ?? '') || !file)
      usage(`--template ${item}: expected load|transform|extract=<file>`);
    return [service, file];
  }),
);

checkDeploy({ stage: values.stage, params, templates, log: values.json ? undefined : (line) => console.error(line) })
  .then((check) => {
    console.log(values.json ? JSON.stringify(check, null, 2) : formatDeployCheck(check));
    process.exit(check.ready ? 0 : 1);
  })
  .catch((error: unknown) => {
    console.error(`deploy:check: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
