export { transformFile, ClaimCheckMismatch } from './transformFile';
export { transformLines } from './transformLines';
export type { TransformCounts, TransformOptions } from './transformLines';
export { lines } from './lines';
export { csvField, CSV_NULL } from './csv';
export { TextSink } from './textSink';
