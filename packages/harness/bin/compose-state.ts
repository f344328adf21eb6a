/**
 * Writes .serverless/state.<stage>.json at the repository root so that compose can resolve
 * cross-service outputs for a local stage without AWS.
 *
 *   node -r esbuild-register packages/harness/bin/compose-state.ts [--stage dev]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeComposeState } from '../src/composeState';

const { values } = parseArgs({ options: { stage: { type: 'string', default: 'dev' } } });
const root = path.resolve(__dirname, '../../..');
try {
  const file = writeComposeState(root, values.stage!);
  console.log(`wrote ${path.relative(root, file)} (local outputs for stage ${values.stage})`);
} catch (error) {
  console.error(`compose-state: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
