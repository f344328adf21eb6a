import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { requireEnv } from '@etl/middleware';
import type { Warehouse } from './statementRunner';

/**
 * The warehouse a function's `serverless.yml` points it at: `WAREHOUSE_WORKGROUP`,
 * `WAREHOUSE_DATABASE`, and for functions that COPY, `WAREHOUSE_COPY_ROLE_ARN`.
 */
export function warehouseFromEnv(client: RedshiftDataClient, env: NodeJS.ProcessEnv = process.env): Warehouse {
  return {
    client,
    target: { WorkgroupName: requireEnv('WAREHOUSE_WORKGROUP', env), Database: requireEnv('WAREHOUSE_DATABASE', env) },
    copyRoleArn: env.WAREHOUSE_COPY_ROLE_ARN ?? '',
  };
}
