import type { ServiceName } from './serverlessCli';

/**
 * What a stage's params must hold before its first deploy, and what a deploy needs that no
 * template shows. The params are those of one service's serverless.yml for the stage
 * (`params.default` overlaid with `params.<stage>`, then `--param` values), `${sls:stage}`
 * resolved.
 */
export type StageParams = Record<string, string>;

/** A param that still holds a value no real deployment can use. */
export interface MissingParam {
  service: ServiceName;
  param: string;
  value: string;
  /** Why it blocks a deploy and what to set instead. */
  why: string;
}

interface ParamRule {
  param: string;
  /** The reason the value cannot be deployed, or undefined when it can. */
  problem: (value: string, stage: string) => string | undefined;
}

const PLACEHOLDER_HOST = /^(.*\.)?example\.(com|org|net)$|^localhost$|^127\.\d+\.\d+\.\d+$|^\[::1\]$/i;

function urlHost(value: string): string | undefined {
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
}

const RULES: ParamRule[] = [
  {
    param: 'dataBucketName',
    problem: (value, stage) =>
      value === `etl-data-${stage}`
        ? 'is the shipped default: S3 bucket names are global across all accounts, so choose one your account can own'
        : undefined,
  },
  {
    param: 'alarmEmail',
    problem: (value) =>
      /@(.*\.)?example\.(com|org|net)$/i.test(value) ? 'is a placeholder: the dead-letter queue alarms would mail nobody' : undefined,
  },
  {
    param: 'warehouseWorkgroupId',
    problem: (value) =>
      /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(value)
        ? 'is the all-zero placeholder: IAM grants the Data API on the workgroup id (aws redshift-serverless get-workgroup --workgroup-name <name>)'
        : undefined,
  },
];

/**
 * Where a pipeline's source is, as the extract service derives it from the definition
 * (services/extract/pipelineConfig.js `sourceLocations`): the param, and what it holds deployed.
 */
export interface SourceLocationParam {
  pipeline: string;
  param: string;
  deployed: 'url' | 'secret';
}

function locationRule({ pipeline, param, deployed }: SourceLocationParam): ParamRule {
  return {
    param,
    problem: (value, stage) => {
      if (deployed === 'secret') {
        // the SQL worker may read secrets under etl/<stage>/ only (its role in services/extract/serverless.yml)
        const name = /^arn:aws:secretsmanager:.*:secret:(.+)$/.exec(value)?.[1];
        if (name === undefined)
          return `is not a Secrets Manager secret ARN: pipeline ${pipeline}'s database URL in a function environment is a secret in plain text; store it in a secret under etl/${stage}/ and give its ARN`;
        return name.startsWith(`etl/${stage}/`)
          ? undefined
          : `names the secret "${name}": the SQL extract worker may only read secrets under etl/${stage}/ (pipeline ${pipeline})`;
      }
      const host = urlHost(value);
      if (host === undefined) return `is not a URL (pipeline ${pipeline}'s source)`;
      return PLACEHOLDER_HOST.test(host)
        ? `points at ${host}, which a Lambda function cannot reach as pipeline ${pipeline}'s source`
        : undefined;
    },
  };
}

/** The params of `service` that a deploy of `stage` cannot use, each with what to do; `locations`: the extract service's source params. */
export function missingParams(
  service: ServiceName,
  stage: string,
  params: StageParams,
  locations: readonly SourceLocationParam[] = [],
): MissingParam[] {
  return [...RULES, ...locations.map(locationRule)].flatMap(({ param, problem }) => {
    const value = params[param];
    if (value === undefined) return [];
    const why = problem(value, stage);
    return why ? [{ service, param, value, why }] : [];
  });
}

/**
 * What a first deploy of the stage needs besides its params, which no offline check can see:
 * each is a line telling the user what to make sure of or do.
 */
export function deployReminders(stage: string, params: Partial<Record<ServiceName, StageParams>>): string[] {
  const load = params.load ?? {};
  const extract = params.extract ?? {};
  const reminders = [
    `AWS credentials for the account to deploy to, and AWS_REGION (default us-east-1): serverless deploy --stage ${stage}`,
    `a Redshift Serverless workgroup "${load.warehouseWorkgroup}" (id ${load.warehouseWorkgroupId}) with database "${load.warehouseDatabase}"; the functions sign in with IAM, no password`,
    `after load is deployed: add its output warehouseCopyRoleArn to the namespace's IAM roles (aws redshift-serverless update-namespace --namespace-name <namespace> --iam-roles <arn>), or COPY cannot read the staged files`,
    `once per stage, as the namespace's admin: grant the maintenance function's database user VACUUM and ANALYZE (docs/warehouse-access.md), or its nightly VACUUM "completes successfully but has no effect" on the tables the load's user owns`,
  ];
  if (extract.ordersDbSecret)
    reminders.push(
      `a Secrets Manager secret "${extract.ordersDbSecret}" holding the orders_db database URL (the SQL extract worker reads it at run time)`,
    );
  const emails = [
    ...new Set(
      Object.values(params)
        .map((p) => p?.alarmEmail)
        .filter((e): e is string => e !== undefined),
    ),
  ];
  if (emails.length > 0) reminders.push(`confirm the SNS subscription mail AWS sends to ${emails.join(', ')} once the alarms exist`);
  return reminders;
}
