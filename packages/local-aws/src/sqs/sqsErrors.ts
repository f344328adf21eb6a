/**
 * An SQS error. `code` is the JSON protocol's `__type` name; `queryCode` the query protocol's
 * (and the `x-amzn-query-error` header's) code, which SDKs with query compatibility report.
 */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode: string = code,
    readonly status = 400,
    readonly senderFault = true,
  ) {
    super(message);
  }
}

export const sqsErrors = {
  noQueue: (name: string) =>
    new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${name}`, 'AWS.SimpleQueueService.NonExistentQueue'),
  invalidParameter: (message: string) => new SqsError('InvalidParameterValue', message, 'InvalidParameterValue'),
  missingParameter: (name: string) =>
    new SqsError('MissingParameter', `The request must contain the parameter ${name}.`, 'MissingParameter'),
  invalidAttributeName: (name: string) => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`, 'InvalidAttributeName'),
  invalidAttributeValue: (message: string) => new SqsError('InvalidAttributeValue', message, 'InvalidAttributeValue'),
  invalidContents: (message: string) => new SqsError('InvalidMessageContents', message, 'InvalidMessageContents'),
  tooLong: (message: string) => new SqsError('InvalidParameterValue', message, 'InvalidParameterValue'),
  receiptHandleInvalid: (handle: string) =>
    new SqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle.slice(0, 40)}…" is not a valid receipt handle.`,
      'ReceiptHandleIsInvalid',
    ),
  notInFlight: () =>
    new SqsError('MessageNotInflight', 'The message referred to is not in flight.', 'AWS.SimpleQueueService.MessageNotInflight'),
  emptyBatch: () =>
    new SqsError(
      'EmptyBatchRequest',
      'There should be at least one entry in the batch request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    ),
  tooManyEntries: (count: number) =>
    new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${count}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    ),
  duplicateIds: (id: string) =>
    new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct'),
  batchTooLong: (bytes: number) =>
    new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than 1048576 bytes. You have sent ${bytes} bytes.`,
      'AWS.SimpleQueueService.BatchRequestTooLong',
    ),
  invalidBatchId: (id: string) =>
    new SqsError(
      'InvalidBatchEntryId',
      `A batch entry id can only contain alphanumeric characters, hyphens and underscores, at most 80: "${id}".`,
      'AWS.SimpleQueueService.InvalidBatchEntryId',
    ),
  unsupported: (what: string) =>
    new SqsError('UnsupportedOperation', `The local SQS stand-in does not support ${what}.`, 'AWS.SimpleQueueService.UnsupportedOperation'),
  purgeInProgress: (name: string) =>
    new SqsError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      'AWS.SimpleQueueService.PurgeQueueInProgress',
      403,
    ),
  queueDeletedRecently: () =>
    new SqsError(
      'QueueDeletedRecently',
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      'AWS.SimpleQueueService.QueueDeletedRecently',
    ),
  queueNameExists: (name: string) =>
    new SqsError(
      'QueueNameExists',
      `A queue already exists with the same name and a different value for an attribute: ${name}`,
      'QueueAlreadyExists',
    ),
} as const;
