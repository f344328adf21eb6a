export { runDev } from './devRun';
export type { DevOptions, DevSummary } from './devRun';
export { sampleGeneration, nextGeneration } from './sampleSource';
export { rowLines } from './runSummary';
