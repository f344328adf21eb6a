import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger };

/**
 * The one way to build a logger: structured JSON lines (Powertools Logger), one object per
 * line with `level`, `message`, `timestamp`, `service` and, once the handler runs under
 * `injectLambdaContext`, the Lambda request id. Workers add `messageId`, `pipeline` and
 * `runId` per record with `logger.createChild`.
 *
 * Level from `POWERTOOLS_LOG_LEVEL` (default INFO); service from `POWERTOOLS_SERVICE_NAME`.
 *
 * @example
 * const logger = createLogger('transform');
 * logger.info('staged file written', { key, rows });
 */
export function createLogger(serviceName?: string): Logger {
  return new Logger(serviceName ? { serviceName } : {});
}
