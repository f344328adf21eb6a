export { AccessControl, ADMINISTRATOR, AuthenticationError } from './accessControl';
export type { Caller } from './accessControl';
export { IamStore } from './iamStore';
export { createIamServer } from './iamServer';
export { assumeRoleAsService, SERVICE_PRINCIPAL_HEADER } from './serviceCredentials';
export type { RoleCredentials } from './serviceCredentials';
