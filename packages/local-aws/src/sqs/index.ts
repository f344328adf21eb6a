export { SqsStore, queueArn } from './sqsStore';
export { createSqsServer } from './sqsServer';
