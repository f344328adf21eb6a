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
};

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/services/*/src/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/services/*/test/**/*.test.ts'],
      slowTestThreshold: 60,
    },
  ],
};

export default config;
