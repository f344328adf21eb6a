export { runDev } from './devRun';
export type { DevOptions, DevSummary } from './devRun';
export { sampleGeneration, nextGeneration } from './sampleSource';
export { rowChecks, rowLines } from './runSummary';
export type { RunRows, RowChecks } from './runSummary';
