import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { LOCAL_STAGES, localServiceOutputs } from './localAccount';
import { localWorkgroupId } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';

type Outputs = Record<string, Record<string, string>>;

interface ComposeFile {
  services: Record<string, { path: string; params?: Record<string, string> }>;
}

/** Reads serverless-compose.yml: each service's folder and the params it takes from other services' outputs. */
export function readCompose(root: string): ComposeFile {
  const file = path.join(root, 'serverless-compose.yml');
  const compose = parse(readFileSync(file, 'utf8')) as ComposeFile;
  if (!compose?.services) throw new Error(`${file}: no "services" section`);
  return compose;
}

const OUTPUT_REFERENCE = /^\$\{(\w+)\.(\w+)\}$/;

/**
 * The params compose would pass to `service`, with `${other.output}` references resolved
 * from `outputs` — read from serverless-compose.yml, so the wiring is written only there.
 *
 * @throws naming the service, param and reference when an output is unknown.
 */
export function composeParams(compose: ComposeFile, service: string, outputs: Outputs): Record<string, string> {
  const definition = compose.services[service];
  if (!definition) throw new Error(`serverless-compose.yml has no service "${service}" (has: ${Object.keys(compose.services).join(', ')})`);
  return Object.fromEntries(
    Object.entries(definition.params ?? {}).map(([name, value]) => {
      const match = OUTPUT_REFERENCE.exec(String(value));
      if (!match) return [name, String(value)];
      const resolved = outputs[match[1]!]?.[match[2]!];
      if (resolved === undefined)
        throw new Error(`serverless-compose.yml: ${service}.params.${name} = ${value}, but ${match[1]} has no output "${match[2]}"`);
      return [name, resolved];
    }),
  );
}

/**
 * The `--param` values a service needs to be packaged or run offline alone on a local stage:
 * what compose would pass, plus local stand-ins for values only a deployment has (the ARN of
 * the role Redshift assumes for COPY, which the local warehouse accepts and does not use; the
 * URL of a service's own Lift queue, which only exists as a CloudFormation reference).
 */
export function localParams(root: string, service: string, stage: string, endpoints?: LocalEndpoints): Record<string, string> {
  const outputs = localServiceOutputs(stage, endpoints);
  const params = composeParams(readCompose(root), service, outputs);
  // the local warehouse's workgroup id, which the roles' policies name (IAM takes the id, not the name)
  const warehouseWorkgroupId = localWorkgroupId(`etl-${stage}`);
  if (service === 'load') return { ...params, warehouseCopyRoleArn: outputs.load.warehouseCopyRoleArn, warehouseWorkgroupId };
  if (service === 'extract')
    return {
      ...params,
      extractQueueUrl: outputs.extract.extractQueueUrl,
      extractSqlQueueUrl: outputs.extract.extractSqlQueueUrl,
      warehouseWorkgroupId,
    };
  return params;
}

/**
 * Writes `.serverless/state.<stage>.json`, the file compose resolves cross-service
 * references from offline, with the outputs each service has on the local stack.
 * Only for local stages, and never over outputs of a real deployment.
 *
 * @returns the path written.
 */
export function writeComposeState(root: string, stage: string, endpoints?: LocalEndpoints): string {
  if (!(LOCAL_STAGES as readonly string[]).includes(stage)) {
    throw new Error(
      `stage "${stage}" is not local (${LOCAL_STAGES.join(', ')}): its outputs come from a deployment ("serverless refresh-outputs"), not from this script`,
    );
  }
  const compose = readCompose(root);
  const outputs: Outputs = localServiceOutputs(stage, endpoints);
  const file = path.join(root, '.serverless', `state.${stage}.json`);
  const state = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { components?: Record<string, { outputs?: Outputs[string] }> })
    : {};
  state.components ??= {};
  for (const service of Object.keys(compose.services)) {
    const deployed = Object.values(state.components[service]?.outputs ?? {}).find((value) =>
      /amazonaws\.com|^arn:aws:(?!.*:000000000000:)/.test(String(value)),
    );
    if (deployed) throw new Error(`${file}: ${service} has outputs of a real deployment (${deployed}); not overwriting them`);
    state.components[service] = { ...state.components[service], outputs: outputs[service] ?? {} };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
  return file;
}
