/**
 * This project's resources on the local account: the names the deployed resources would have,
 * and the outputs the services would pass on. Everything that needs to know "where is the load
 * queue locally" asks here.
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localEndpoints } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
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
  const load = localQueue(endpoints, liftQueueName('etl-load', stage, 'load'));
  const loadDlq = localQueue(endpoints, liftQueueName('etl-load', stage, 'load-dlq'));
  const transform = localQueue(endpoints, liftQueueName('etl-transform', stage, 'transform'));
  const transformDlq = localQueue(endpoints, liftQueueName('etl-transform', stage, 'transform-dlq'));
  const extract = localQueue(endpoints, liftQueueName('etl-extract', stage, 'extract'));
  const extractDlq = localQueue(endpoints, liftQueueName('etl-extract', stage, 'extract-dlq'));
  const extractSql = localQueue(endpoints, liftQueueName('etl-extract', stage, 'extractSql'));
  const extractSqlDlq = localQueue(endpoints, liftQueueName('etl-extract', stage, 'extractSql-dlq'));
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
