/**
 * This project's resources on the local account: the names the deployed resources would have,
 * and the outputs the services would pass on. Everything that needs to know "where is the load
 * queue locally" asks here.
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localEndpoints } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
import { workQueueName } from '@etl/contracts';
import { generatedRoleName } from './templateIntrinsics';

/** Stages that run on the local stack, never deployed from a laptop by accident. */
export const LOCAL_STAGES = ['dev', 'local', 'test'] as const;

/** A service's CloudFormation stack on a stage: `<service name in serverless.yml>-<stage>`. */
export function stackName(service: string, stage: string): string {
  return `etl-${service}-${stage}`;
}

/** Lift names a queue `<service>-<stage>-<construct id>` (its DLQ adds `-dlq`). */
export function liftQueueName(service: string, stage: string, queueId: string): string {
  return `${service}-${stage}-${queueId}`;
}

/** A local queue's URL and ARN, shaped as SQS shapes them. */
export function localQueue(endpoints: LocalEndpoints, name: string): { url: string; arn: string } {
  return {
    url: `${endpoints.sqs.replace(/\/$/, '')}/${LOCAL_ACCOUNT_ID}/${name}`,
    arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`,
  };
}

/** The data bucket's name on a stage (the load service's `dataBucketName` param default). */
export function dataBucketName(stage: string): string {
  return `etl-data-${stage}`;
}

/**
 * What each service would output once deployed, for a local stage: the values compose
 * passes on as params (see serverless-compose.yml).
 */
export function localServiceOutputs(stage: string, endpoints: LocalEndpoints = localEndpoints()) {
  const load = localQueue(endpoints, workQueueName('load', stage));
  const loadDlq = localQueue(endpoints, workQueueName('load', stage, { dlq: true }));
  const transform = localQueue(endpoints, workQueueName('transform', stage));
  const transformDlq = localQueue(endpoints, workQueueName('transform', stage, { dlq: true }));
  const extract = localQueue(endpoints, workQueueName('extract', stage));
  const extractDlq = localQueue(endpoints, workQueueName('extract', stage, { dlq: true }));
  const extractSql = localQueue(endpoints, workQueueName('extractSql', stage));
  const extractSqlDlq = localQueue(endpoints, workQueueName('extractSql', stage, { dlq: true }));
  return {
    load: {
      dataBucketName: dataBucketName(stage),
      loadQueueUrl: load.url,
      loadQueueArn: load.arn,
      loadDlqUrl: loadDlq.url,
      warehouseCopyRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${generatedRoleName(stackName('load', stage), 'WarehouseCopyRole')}`,
    },
    transform: {
      transformQueueUrl: transform.url,
      transformQueueArn: transform.arn,
      transformDlqUrl: transformDlq.url,
    },
    extract: {
      extractQueueUrl: extract.url,
      extractQueueArn: extract.arn,
      extractDlqUrl: extractDlq.url,
      extractSqlQueueUrl: extractSql.url,
      extractSqlDlqUrl: extractSqlDlq.url,
    },
  };
}

export type LocalServiceOutputs = ReturnType<typeof localServiceOutputs>;
