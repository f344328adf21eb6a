'use strict';
/**
 * A serverless plugin for `serverless offline` only: each function runs with the credentials of
 * its own execution role, as Lambda runs it, instead of the credentials serverless-offline copies
 * from its own environment into every function. The harness (`@etl/harness`, functionRoles.ts)
 * assumes each role as lambda.amazonaws.com on the local stack and passes the credentials in
 * ETL_FUNCTION_CREDENTIALS, a JSON object keyed by function name. Without that variable (a plain
 * `serverless offline`), and for every other command (package, deploy), it does nothing.
 */
class OfflineFunctionRoles {
  constructor(serverless) {
    this.serverless = serverless;
    // before serverless-offline creates its functions (offline:start:init), with their environment
    this.hooks = { 'before:offline:start:init': () => this.apply(), 'before:offline:start': () => this.apply() };
  }

  apply() {
    const text = process.env.ETL_FUNCTION_CREDENTIALS;
    if (!text) return;
    const byFunction = JSON.parse(text);
    const service = this.serverless.service;
    for (const [key, definition] of Object.entries(service.functions ?? {})) {
      const name = definition.name ?? `${service.service}-${service.provider.stage}-${key}`;
      const credentials = byFunction[name];
      if (!credentials) throw new Error(`offline-roles: no credentials for ${name} in ETL_FUNCTION_CREDENTIALS (has ${Object.keys(byFunction).join(', ')})`);
      definition.environment = { ...definition.environment, ...credentials };
    }
  }
}

module.exports = OfflineFunctionRoles;
