import { S3Client } from '@aws-sdk/client-s3';
import type { IamStore } from '../iam/iamStore';
import { trustAllows } from '../iam/policyEvaluation';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localAccount';

/** How the warehouse reaches S3 for a COPY or an UNLOAD: as the role the statement names. */
export interface WarehouseS3 {
  /**
   * The S3 client for a statement naming `iamRole` (`IAM_ROLE '…'`), run by `user` (undefined:
   * the superuser). Throws Redshift's refusal when the role cannot be assumed.
   */
  clientFor(iamRole: string | undefined, user: string | undefined): Promise<S3Client>;
}

const REDSHIFT = 'redshift.amazonaws.com';
const SESSION_SECONDS = 3600;

/**
 * Redshift reads and writes S3 for COPY and UNLOAD as the IAM role the statement names: it
 * assumes the role as `redshift.amazonaws.com` (the role's trust policy must allow that, with
 * `aws:SourceAccount` this account), and S3 then checks that role's policies. So does the local
 * warehouse, for roles the local IAM holds. A role it does not hold is refused to a database
 * user (a function's `IAMR:…`), as Redshift refuses a role it cannot assume; the superuser
 * (the administrator's calls) reads as the administrator, as before.
 */
export function warehouseS3(iam: IamStore, endpoint: string, administrator: S3Client): WarehouseS3 {
  const sessions = new Map<string, { client: S3Client; until: number }>();
  const refuse = (role: string, why: string) =>
    new Error(
      `User arn:aws:redshift-serverless:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:dbuser is not authorized to assume IAM Role ${role} (${why})`,
    );
  return {
    async clientFor(iamRole, user) {
      if (iamRole === undefined) {
        if (user === undefined) return administrator;
        throw new Error('COPY and UNLOAD need IAM_ROLE to reach S3 (the local warehouse takes no CREDENTIALS or default role)');
      }
      const role = [...iam.roles.values()].find((r) => r.arn === iamRole);
      if (!role) {
        if (user === undefined) return administrator;
        throw refuse(iamRole, 'the local account has no such role');
      }
      const cached = sessions.get(role.arn);
      if (cached && cached.until > Date.now()) return cached.client;
      const trust = trustAllows(iam.document(role.trustPolicy, 'trust'), {
        action: 'sts:AssumeRole',
        resource: role.arn,
        principal: { kind: 'service', arn: REDSHIFT, accountId: LOCAL_ACCOUNT_ID },
        context: { 'aws:SourceAccount': LOCAL_ACCOUNT_ID },
      });
      if (trust !== 'allow') throw refuse(iamRole, `its trust policy does not let ${REDSHIFT} of account ${LOCAL_ACCOUNT_ID} assume it`);
      const session = await iam.createSession(role, 'RedshiftIamRoleSession', SESSION_SECONDS);
      const client = new S3Client({
        endpoint,
        forcePathStyle: true,
        region: LOCAL_REGION,
        credentials: { accessKeyId: session.id, secretAccessKey: session.secret, sessionToken: session.token },
      });
      cached?.client.destroy();
      sessions.set(role.arn, { client, until: session.expires - 60_000 });
      return client;
    },
  };
}
