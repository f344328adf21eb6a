import { XMLParser } from 'fast-xml-parser';

/** Temporary credentials, as a Lambda function finds them in its environment. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The header by which the administrator's AssumeRole speaks for a service principal (see stsApi.ts). */
export const SERVICE_PRINCIPAL_HEADER = 'x-local-aws-service-principal';

/**
 * Credentials of a role for a service that the role trusts — `lambda.amazonaws.com` for a
 * function's execution role — as that service gets them from STS: the role's trust policy must
 * name the service. The harness gives each function these, so it runs as its own role.
 */
export async function assumeRoleAsService({
  endpoint,
  roleArn,
  service,
  sessionName,
  durationSeconds = 43_200,
}: {
  /** the local IAM/STS endpoint */
  endpoint: string;
  roleArn: string;
  service: string;
  sessionName: string;
  durationSeconds?: number;
}): Promise<RoleCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: roleArn,
    RoleSessionName: sessionName,
    DurationSeconds: String(durationSeconds),
  });
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', [SERVICE_PRINCIPAL_HEADER]: service },
    body,
  });
  const xml = new XMLParser({ parseTagValue: false }).parse(await response.text()) as {
    AssumeRoleResponse?: {
      AssumeRoleResult: { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string } };
    };
    ErrorResponse?: { Error: { Code: string; Message: string } };
  };
  if (!response.ok || !xml.AssumeRoleResponse) {
    const error = xml.ErrorResponse?.Error;
    throw new Error(`${service} could not assume ${roleArn}: ${error ? `${error.Code}: ${error.Message}` : `HTTP ${response.status}`}`);
  }
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = xml.AssumeRoleResponse.AssumeRoleResult.Credentials;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: new Date(Expiration) };
}
