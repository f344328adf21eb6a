export { LOCAL_ACCOUNT_ID, LOCAL_REGION, LOCAL_STAGES, localEndpoints, liftQueueName, localQueue, dataBucketName, localServiceOutputs } from './localAccount';
export type { LocalEndpoints, LocalServiceOutputs } from './localAccount';
export { readCompose, composeParams, localParams, writeComposeState } from './composeState';
