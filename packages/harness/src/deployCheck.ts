import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeParams, readCompose } from './composeState';
import { localServiceOutputs, stackName } from './localAccount';
import { callTarget, deniedCallLine, deniedCalls } from './callCheck';
import { stackResources } from './templateResources';
import { resourceSchemaProblems } from './resourceSchemas';
import { REPO_ROOT, packageService, serviceConfig, serviceDir, stageParams } from './serverlessCli';
import type { ServiceName, Template } from './serverlessCli';
import { deployReminders, missingParams } from './stageRequirements';
import type { MissingParam, SourceLocationParam, StageParams } from './stageRequirements';
import {
  alarmActionProblems,
  dataBucketProblems,
  esbuildTargetProblems,
  provisionedConcurrency,
  queueWorkers,
  resourcesOfType,
  runtimeProblems,
  sharedRoleProblems,
  wildcardResourceProblems,
  workerQueueProblems,
} from './templateChecks';

/** In deploy order (serverless-compose.yml): load owns the bucket the others write to. */
const SERVICES: readonly ServiceName[] = ['load', 'transform', 'extract'];

export interface DeployCheckOptions {
  stage: string;
  /** `--param name=value` overrides, as `serverless deploy --param` would take them. */
  params?: Record<string, string>;
  /** The day the runtime dates are checked against. */
  today?: Date;
  /** Progress lines. */
  log?: (line: string) => void;
  /** A template file to check for a service instead of packaging it (a copy under review, a CI artifact). */
  templates?: Partial<Record<ServiceName, string>>;
}

export interface ServiceCheck {
  service: ServiceName;
  /** Each function's logical id and runtime, as packaged. */
  functions: { id: string; runtime: string; reservedConcurrency?: number }[];
  /** What the packaged template gets wrong (runtime, IAM, bucket, queues, alarms, provisioned concurrency). */
  problems: string[];
  /** Calls a function makes (the inventory in @etl/contracts) that its role would not be allowed. */
  deniedCalls: string[];
}

export interface DeployCheck {
  stage: string;
  services: ServiceCheck[];
  /** Params that block a deploy until the user sets them. */
  missing: MissingParam[];
  /** What the deploy needs that cannot be checked offline. */
  reminders: string[];
  /** Account quotas the stage needs. */
  quotas: { lambdaConcurrency: number; reserved: number };
  ready: boolean;
}

/** Lambda keeps this much of an account's concurrency unreserved: reservations must leave it. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/** One service's params for the stage as a deploy resolves them: stage params, then overrides, `${sls:stage}` filled in. */
function resolvedParams(service: ServiceName, stage: string, overrides: Record<string, string>): StageParams {
  const declared = Object.entries(stageParams(service, stage)).map(([name, value]) => [
    name,
    String(value).replaceAll('${sls:stage}', stage),
  ]);
  const params: StageParams = { ...Object.fromEntries(declared), ...overrides };
  // a param made of others (`ordersDbUrl: …secret:${param:ordersDbSecret}`), as the framework resolves it
  for (const [name, value] of Object.entries(params))
    params[name] = value.replace(/\$\{param:(\w+)\}/g, (whole, other: string) => params[other] ?? whole);
  return params;
}

/** Functions whose serverless.yml asks for provisioned concurrency, by logical id (`loadWorker` → `LoadWorkerLambdaFunction`). */
function provisionedFunctions(service: ServiceName): string[] {
  return Object.entries(serviceConfig(service).functions)
    .filter(([, fn]) => fn.provisionedConcurrency !== undefined)
    .map(([name]) => `${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`);
}

/**
 * Receives before a message goes to its DLQ: AWS's guidance for Lambda with SQS is at least 5, so
 * that a few transient failures of one message (a crash, a throttled S3, a failed statement) do
 * not dead-letter it; with 3, pnpm chaos dead-lettered a load message that met three faults.
 */
export const MAX_RECEIVE_COUNT = 5;

function templateProblems(service: ServiceName, stage: string, template: Template, today: Date): string[] {
  const problems = [
    ...runtimeProblems(template, today),
    ...esbuildTargetProblems(service, serviceConfig(service)),
    ...sharedRoleProblems(template),
    ...wildcardResourceProblems(template),
    ...queueWorkers(template).flatMap((workerFunction) =>
      workerQueueProblems(template, { workerFunction, maxReceiveCount: MAX_RECEIVE_COUNT }),
    ),
    ...resourcesOfType(template, 'AWS::S3::Bucket')
      .filter(([id]) => id !== 'ServerlessDeploymentBucket') // the framework's own, for the zips
      .flatMap(([id]) => dataBucketProblems(template, id)),
    ...alarmActionProblems(template),
  ];
  if (stage === 'prod') {
    const warm = provisionedConcurrency(template);
    for (const id of provisionedFunctions(service)) {
      if (!warm[id])
        problems.push(
          `${id}: no provisioned concurrency in prod (params.prod.provisionedConcurrency in services/${service}/serverless.yml)`,
        );
    }
  }
  return problems.map((problem) => `${service}: ${problem}`);
}

/**
 * Packages every service for `stage` offline, as `serverless deploy --stage <stage>` would
 * package it, runs the template checks on the result and lists what a first deploy still
 * needs from the user. `ready` is false when anything found would make the deploy fail or
 * leave a broken stage.
 */
export async function checkDeploy({
  stage,
  params = {},
  today = new Date(),
  log = () => {},
  templates: given = {},
}: DeployCheckOptions): Promise<DeployCheck> {
  const stageParamsOf = Object.fromEntries(SERVICES.map((service) => [service, resolvedParams(service, stage, params)])) as Record<
    ServiceName,
    StageParams
  >;
  // Outputs of the other services do not exist before a deploy: the local stand-ins take their place,
  // but the bucket name is the one load would be deployed with.
  const outputs = localServiceOutputs(stage);
  outputs.load.dataBucketName = stageParamsOf.load.dataBucketName ?? outputs.load.dataBucketName;
  const compose = readCompose(REPO_ROOT);

  log(`packaging ${SERVICES.join(', ')} for stage ${stage} (offline, no AWS credentials)…`);
  const started = Date.now();
  const templates = await Promise.all(
    SERVICES.map((service) =>
      given[service]
        ? (JSON.parse(readFileSync(given[service], 'utf8')) as Template)
        : packageService(service, stage, {
            outDir: `.serverless-check-${stage}`,
            params: { ...composeParams(compose, service, outputs), ...params },
          }),
    ),
  );
  log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const bucket = outputs.load.dataBucketName;
  const target = callTarget(stage, {
    bucket,
    workgroupId: stageParamsOf.load.warehouseWorkgroupId ?? '',
    secret: stageParamsOf.extract.ordersDbSecret ?? '',
  });
  const bucketPolicy = stackResources(templates[0]!, stackName('load', stage)).bucketPolicies[bucket];
  const services = SERVICES.map((service, index): ServiceCheck => {
    const template = templates[index]!;
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id, resource]) => ({
      id,
      runtime: String(resource.Properties?.Runtime),
      reservedConcurrency:
        resource.Properties?.ReservedConcurrentExecutions === undefined
          ? undefined
          : Number(resource.Properties.ReservedConcurrentExecutions),
    }));
    return {
      service,
      functions,
      problems: templateProblems(service, stage, template, today),
      deniedCalls: deniedCalls(service, stage, template, target, bucketPolicy).map(deniedCallLine),
    };
  });
  // CloudFormation's own schemas: a property it would refuse fails the deploy before anything runs
  for (const [index, check] of services.entries())
    for (const problem of await resourceSchemaProblems(templates[index]!))
      check.problems.push(`${check.service}: ${problem.logicalId} (${problem.type}) ${problem.message}`);
  const reserved = services.flatMap((s) => s.functions).reduce((sum, f) => sum + (f.reservedConcurrency ?? 0), 0);

  const { sourceLocations } = require(path.join(serviceDir('extract'), 'pipelineConfig.js')) as {
    sourceLocations: () => SourceLocationParam[];
  };
  const missing = SERVICES.flatMap((service) =>
    missingParams(service, stage, stageParamsOf[service], service === 'extract' ? sourceLocations() : []),
  );
  const ready = missing.length === 0 && services.every((s) => s.problems.length === 0 && s.deniedCalls.length === 0);
  return {
    stage,
    services,
    missing,
    reminders: deployReminders(stage, stageParamsOf),
    quotas: { reserved, lambdaConcurrency: reserved + LAMBDA_UNRESERVED_MINIMUM },
    ready,
  };
}

/** The check as lines for a terminal. */
export function formatDeployCheck(check: DeployCheck): string {
  const lines = [`deploy check — stage ${check.stage}`];
  for (const { service, functions, problems, deniedCalls: denied } of check.services) {
    const runtimes = [...new Set(functions.map((f) => f.runtime))].join(', ');
    lines.push(`  ${problems.length + denied.length === 0 ? '✔' : '✘'} ${service}: ${functions.length} function(s) on ${runtimes}`);
    for (const problem of problems) lines.push(`      ${problem}`);
    for (const call of denied) lines.push(`      ${call}`);
  }
  lines.push(
    '',
    `account quotas: Lambda concurrent executions ≥ ${check.quotas.lambdaConcurrency} (${check.quotas.reserved} reserved by the functions + the ${LAMBDA_UNRESERVED_MINIMUM} Lambda keeps unreserved)`,
  );
  if (check.missing.length > 0) {
    lines.push('', 'blocks a deploy — set these in the stage params (or pass --param name=value):');
    // one line per param and value: alarmEmail is declared by every service
    const byParam = Map.groupBy(check.missing, ({ param, value }) => `${param}=${value}`);
    for (const items of byParam.values()) {
      const { param, value, why } = items[0]!;
      const files = items.map(({ service }) => `services/${service}/serverless.yml`).join(', ');
      lines.push(`  ✘ ${param} = ${value}  (params.${check.stage}.${param} in ${files})`, `      ${why}`);
    }
  }
  lines.push('', 'a first deploy also needs (not checkable offline):', ...check.reminders.map((reminder) => `  • ${reminder}`));
  lines.push(
    '',
    check.ready
      ? `ready: serverless deploy --stage ${check.stage}`
      : `not ready: ${new Set(check.missing.map((m) => m.param)).size} param(s) to set, ${check.services.reduce((n, s) => n + s.problems.length, 0)} template problem(s), ${check.services.reduce((n, s) => n + s.deniedCalls.length, 0)} call(s) a role would refuse`,
  );
  return lines.join('\n');
}
