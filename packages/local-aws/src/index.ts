/**
 * The local AWS account on localhost — S3, SQS, the Redshift Data API, IAM and STS — as a library:
 * start it in this process (`startLocalStack`) or as its own (`launchStack`, the `local-aws`
 * bin). Test fixtures: `@etl/local-aws/testing`.
 */
export { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_WAREHOUSE_DATABASE, localEndpoints } from './localAccount';
export type { LocalEndpoints } from './localAccount';
export { startLocalStack } from './localStack';
export type { LocalStack, LocalStackOptions } from './localStack';
export { FREE_PORTS, launchStack } from './stackProcess';
export { queueArn } from './sqs';
export { LAMBDA_ENDPOINTS_FILE, lambdaEndpointOf, setLambdaEndpoint } from './lambdaEndpoints';
export { lambdaInvoker } from './lambdaInvoker';
export type { LambdaInvoke } from './lambdaInvoker';
export { NOTIFICATION_LOG } from './s3Notifications';
export { isAlive, stopProcess } from './common/stopProcess';
export { portHolder } from './common/portHolder';
export type { PortHolder } from './common/portHolder';
export type { StopOptions } from './common/stopProcess';
export { EXIT_WITH_PARENT } from './common/tether';
export { CPU_PROFILE_ENV, cpuProfileArgs } from './common/cpuProfile';
export { FAULTS_ENV, FAULT_LOG, faultPlanFromEnv, injectedFaults, scaledVisibilityMs } from './common/faults';
export type { FaultKind, FaultPlan } from './common/faults';
export { assumeRoleAsService, SERVICE_PRINCIPAL_HEADER } from './iam';
export type { RoleCredentials } from './iam';
export { localWorkgroupId, workgroupArn } from './warehouse/dataApiAuthorization';
export { evaluate, parsePolicy } from './iam/policyEvaluation';
export type { CallerPrincipal, Evaluation, PolicyDocument } from './iam/policyEvaluation';
