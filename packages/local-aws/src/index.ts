export {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_STAGES,
  localEndpoints,
  liftQueueName,
  localQueue,
  dataBucketName,
  localServiceOutputs,
} from './localAccount';
export type { LocalEndpoints, LocalServiceOutputs } from './localAccount';
export { readCompose, composeParams, localParams, writeComposeState } from './composeState';
export { REPO_ROOT, packageService, serviceConfig, serviceDir, startOffline, stageParams } from './serverlessCli';
export type { ServiceConfig, ServiceName, Template, OfflineService, PackageOptions } from './serverlessCli';
export {
  resourcesOfType,
  workerQueueProblems,
  iamStatements,
  wildcardResourceProblems,
  sharedRoleProblems,
  dataBucketProblems,
  provisionedConcurrency,
  queueWorkers,
  runtimeProblems,
  esbuildTargetProblems,
  alarmActionProblems,
} from './templateChecks';
export { NODE_RUNTIMES, RUNTIME_WARNING_DAYS, newestRuntime, runtimeProblem, esbuildTarget } from './lambdaRuntimes';
export type { NodeRuntime } from './lambdaRuntimes';
export { checkDeploy, formatDeployCheck, MAX_RECEIVE_COUNT } from './deployCheck';
export type { DeployCheck, DeployCheckOptions, ServiceCheck } from './deployCheck';
export type { MissingParam } from './stageRequirements';
export type { WorkerQueueExpectation } from './templateChecks';
export { startLocalStack } from './localStack';
export type { LocalStack, LocalStackOptions } from './localStack';
export { stackResources } from './templateResources';
export type { StackResources, QueueSpec, MappingSpec } from './templateResources';
export { provision, provisionNotifications } from './provision';
export { LAMBDA_ENDPOINTS_FILE, lambdaEndpointOf, setLambdaEndpoint } from './lambdaEndpoints';
export { NOTIFICATION_LOG } from './s3Notifications';
export { QueuePoller, toSqsRecord, succeededRecords } from './queuePoller';
export type { HeldReceipts, Invoke, PollerEvent, PollerOptions } from './queuePoller';
export { lambdaInvoker } from './lambdaInvoker';
export { launchStack } from './stackProcess';
export { isAlive, stopProcess } from './common/stopProcess';
export { freshPostgresDatabase } from './freshDatabase';
export { startScratchStack } from './scratchStack';
export type { ScratchStack } from './scratchStack';
export { bundleHandler, handlerEntries } from './handlerBundles';
export type { HandlerEntry } from './handlerBundles';
export type { StopOptions } from './common/stopProcess';
export { FAULTS_ENV, FAULT_LOG, faultPlanFromEnv, injectedFaults, scaledVisibilityMs } from './common/faults';
export type { FaultKind, FaultPlan } from './common/faults';
