/**
 * This project's services on the local AWS account: packaging and running them with osls
 * (`serverlessCli`), their templates' resources, checks and provisioning, the event source
 * mappings (`QueuePoller`), compose state and the deploy check. Test helpers: `@etl/harness/testing`.
 */
export { LOCAL_STAGES, liftQueueName, localQueue, dataBucketName, localServiceOutputs, stackName } from './localAccount';
export type { LocalServiceOutputs } from './localAccount';
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
export { stackResources } from './templateResources';
export type { StackResources, QueueSpec, MappingSpec, RoleSpec } from './templateResources';
export { resolve as resolveIntrinsics, generatedRoleName } from './templateIntrinsics';
export { provision, provisionNotifications } from './provision';
export { functionCredentials, FUNCTION_CREDENTIALS_ENV } from './functionRoles';
export { QueuePoller, toSqsRecord, succeededRecords } from './queuePoller';
export type { HeldReceipts, Invoke, PollerEvent, PollerOptions } from './queuePoller';
export { startScratchStack } from './scratchStack';
export type { ScratchStack } from './scratchStack';
export { bundleHandler, handlerEntries } from './handlerBundles';
export type { HandlerEntry } from './handlerBundles';
