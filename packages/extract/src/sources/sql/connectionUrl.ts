import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

import { locationValue } from '../sourceKind';

let secrets: SecretsManagerClient | undefined;
const cache = new Map<string, string>();

/**
 * A source database's connection URL. Deployed, the variable holds a Secrets Manager secret ARN
 * (never the password itself) and the URL is read from the secret — its string, or the `url`
 * field of a JSON secret — once per container. Locally it may hold the URL directly.
 */
export async function connectionUrl(pipeline: string, variable: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const value = locationValue(pipeline, variable, env);
  if (!value.startsWith('arn:aws:secretsmanager:')) return value;
  const cached = cache.get(value);
  if (cached) return cached;
  secrets ??= new SecretsManagerClient({});
  const secret = (await secrets.send(new GetSecretValueCommand({ SecretId: value }))).SecretString ?? '';
  let url = secret;
  if (secret.trim().startsWith('{')) url = (JSON.parse(secret) as { url?: string }).url ?? '';
  if (!url) throw new Error(`secret ${value} holds no connection URL (a plain string, or JSON with "url")`);
  cache.set(value, url);
  return url;
}
