import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import type { Metrics } from './metrics';
import { withRetry } from './retry';
import { withSourceStack } from './sourceStack';
import type { Retry } from './retry';

/** What every handler gets: its logger and metrics, and retries bound to its deadline. */
export interface InvocationTools {
  logger: Logger;
  metrics: Metrics;
  retry: Retry;
  context: Context;
}

export interface LambdaHandlerOptions<E, R> {
  /** Service name for logs and metrics, e.g. `extract`. */
  service: string;
  /** Deployment stage, a metric dimension. Default `process.env.STAGE`. */
  stage?: string;
  handle: (event: E, tools: InvocationTools) => Promise<R>;
}

/**
 * The observability every handler shares: JSON logs with the request id, EMF metrics, cold start,
 * and an error that fails the invocation logged with its stack in source terms before it propagates.
 */
export function instrument(service: string, stage = process.env.STAGE ?? 'local') {
  const logger = createLogger(service);
  const metrics = createMetrics(service, stage);
  const retryUntilDeadline =
    (context: Context): Retry =>
    (operation, options) =>
      withRetry(operation, { ...options, remainingTimeMs: () => context.getRemainingTimeInMillis() });
  const wrap = <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
    middy(handler)
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use({
        onError: async ({ error }) => {
          logger.error('invocation failed', { error: withSourceStack(error) ?? undefined });
        },
      });
  return { logger, metrics, retryUntilDeadline, wrap };
}

/**
 * Builds a Lambda handler for a direct or scheduled invocation with the shared logging,
 * metrics and retry policy. Errors propagate (the invocation fails and Lambda's own retry
 * and destinations apply).
 *
 * @example
 * export const handler = lambdaHandler({
 *   service: 'extract',
 *   handle: async (event, { logger, retry }) => { ... },
 * });
 */
export function lambdaHandler<E, R>({ service, stage, handle }: LambdaHandlerOptions<E, R>) {
  const { logger, metrics, retryUntilDeadline, wrap } = instrument(service, stage);
  return wrap<E, R>((event, context) => handle(event, { logger, metrics, retry: retryUntilDeadline(context), context }));
}
