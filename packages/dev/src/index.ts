export { runDev } from './devRun';
export { dropFilesLocally, runLocally } from './localRun';
export type { LocalRunOptions, RunProgress, RunSummary } from './localRun';
export type { DevOptions, DevSummary } from './devRun';
export { sampleGeneration, nextGeneration } from './sampleSource';
export { rowLines } from './runSummary';
export { LocalPipeline, localClients, packageServices, runningStack } from './localPipeline';
export type { LocalPipelineOptions, PackagedServices } from './localPipeline';
export { invokeFunction } from './invokeFunction';
