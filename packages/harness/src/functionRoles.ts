import { assumeRoleAsService, LOCAL_ACCOUNT_ID } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
import type { StackResources } from './templateResources';

/**
 * The environment variable through which serverless-offline's `offline-roles` plugin
 * (`packages/harness/offline-roles.cjs`) receives each function's credentials.
 */
export const FUNCTION_CREDENTIALS_ENV = 'ETL_FUNCTION_CREDENTIALS';

/** A function's credentials as Lambda puts them in its environment. */
export type FunctionCredentials = Record<string, { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_SESSION_TOKEN: string }>;

/**
 * Credentials of each function's own execution role, as Lambda gets them: an `sts:AssumeRole`
 * by `lambda.amazonaws.com`, which the role's trust policy must allow. The roles must have been
 * provisioned ({@link provision}). Keyed by function name, for {@link FUNCTION_CREDENTIALS_ENV}.
 */
export async function functionCredentials(endpoints: LocalEndpoints, resources: StackResources): Promise<FunctionCredentials> {
  const entries = await Promise.all(
    Object.entries(resources.functionRoles).map(async ([functionName, roleName]) => {
      const credentials = await assumeRoleAsService({
        endpoint: endpoints.iam,
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role${resources.roles.find((r) => r.name === roleName)?.path ?? '/'}${roleName}`,
        service: 'lambda.amazonaws.com',
        sessionName: functionName.slice(0, 64),
      });
      return [
        functionName,
        {
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken,
        },
      ] as const;
    }),
  );
  return Object.fromEntries(entries);
}
