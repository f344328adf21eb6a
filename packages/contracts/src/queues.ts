/**
 * The work queues a run moves through, named once. Each is a Lift `queue` construct of one
 * service; Lift names it `etl-<service>-<stage>-<construct>` and its dead-letter queue adds
 * `-dlq`. The extract has two: `extract` (its worker reads HTTP-like sources) and `extractSql`
 * (its worker carries the database drivers and may read the stage's source secrets).
 */
export const WORK_QUEUES = {
  // urlEnv: the environment variable a function that sends to the queue finds its URL in
  extract: { service: 'extract', construct: 'extract', urlEnv: 'EXTRACT_QUEUE_URL' },
  extractSql: { service: 'extract', construct: 'extractSql', urlEnv: 'EXTRACT_SQL_QUEUE_URL' },
  transform: { service: 'transform', construct: 'transform', urlEnv: 'TRANSFORM_QUEUE_URL' },
  load: { service: 'load', construct: 'load', urlEnv: 'LOAD_QUEUE_URL' },
} as const;

export type WorkQueue = keyof typeof WORK_QUEUES;

/** The queues extract tasks are planned onto: a source kind names one. */
export const EXTRACT_QUEUES = ['extract', 'extractSql'] as const satisfies readonly WorkQueue[];
export type ExtractQueue = (typeof EXTRACT_QUEUES)[number];

/** A work queue's name on a stage (`etl-extract-dev-extractSql`); `dlq` for its dead-letter queue. */
export function workQueueName(queue: WorkQueue, stage: string, { dlq = false }: { dlq?: boolean } = {}): string {
  const { service, construct } = WORK_QUEUES[queue];
  return `etl-${service}-${stage}-${construct}${dlq ? '-dlq' : ''}`;
}
