/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

/**
 * Two projects:
 * - `unit`: tests beside the code (`src/**\/*.test.ts`), no network, no child processes.
 * - `integration`: tests under `test/` that package services with osls or start them under
 *   serverless-offline and talk to them over real HTTP.
 */
const transform: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  // middy ships ES modules only; jest runs CommonJS, so swc converts them too.
  '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!\\.pnpm|@middy)', '/node_modules/\\.pnpm/(?!@middy)'];

const config: Config = {
  reporters: ['default', '<rootDir>/.ci/jest-summary-reporter.cjs'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/services/*/src/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/services/*/test/**/*.test.ts'],
      slowTestThreshold: 60,
    },
  ],
};

export default config;
