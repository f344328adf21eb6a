export { PRICES } from './prices';
export type { Architecture } from './prices';
export { FULL_VCPU_MB, MAX_MEMORY_MB, MEMORY_TIERS, modelDurationMs, modelTiers, recommend, requestCost, vcpus } from './lambdaModel';
export type { ModelOptions, StageMeasurement, Strategy, TierEstimate } from './lambdaModel';
export { peakRssMb } from './peakRss';
export { nodeChildReport } from './nodeChild';
