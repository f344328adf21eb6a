import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './localAccount';

/** A function invoked with an event: its error (FunctionError and the payload's start) or its payload. */
export type LambdaInvoke = (functionName: string, event: unknown) => Promise<{ functionError?: string; payload: unknown }>;

/**
 * Invokes functions through the Lambda Invoke API, as the real event source mapping does:
 * here, serverless-offline's Lambda endpoint of the service that owns each function. Going
 * through serverless-offline (rather than importing handlers in-process) runs each handler
 * with its own serverless.yml environment, timeout and esbuild bundle, as in AWS.
 *
 * @param endpointOf the Lambda endpoint serving a function name (`<service>-<stage>-<fn>`).
 */
export function lambdaInvoker(endpointOf: (functionName: string) => string): { invoke: LambdaInvoke; close: () => void } {
  const clients = new Map<string, LambdaClient>();
  const client = (endpoint: string) => {
    let existing = clients.get(endpoint);
    if (!existing) {
      existing = new LambdaClient({
        endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      });
      clients.set(endpoint, existing);
    }
    return existing;
  };
  return {
    invoke: async (functionName, event) => {
      const result = await client(endpointOf(functionName)).send(
        new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) }),
      );
      const text = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
      let payload: unknown = text;
      try {
        payload = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: the poller treats an unexpected response as a failed batch
      }
      return { functionError: result.FunctionError ? `${result.FunctionError}: ${text.slice(0, 500)}` : undefined, payload };
    },
    close: () => {
      for (const c of clients.values()) c.destroy();
    },
  };
}
