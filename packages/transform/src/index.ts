export { transformFile, ClaimCheckMismatch } from './transformFile';
export { transformLines } from './transformLines';
export type { TransformCounts, TransformOptions } from './transformLines';
