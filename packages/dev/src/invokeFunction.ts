import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';

/** Invokes a Lambda function (deployed, or under serverless-offline) and returns its JSON answer; throws with the function's error. */
export async function invokeFunction<T>(lambda: LambdaClient, functionName: string, payload: unknown): Promise<T> {
  const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }));
  const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString();
  if (answer.FunctionError) {
    const message = (JSON.parse(text || '{}') as { errorMessage?: string }).errorMessage;
    throw new Error(`${functionName} failed: ${message ?? answer.FunctionError}`);
  }
  return JSON.parse(text || 'null') as T;
}
