import type { Invocation } from './measureStages';
import { modelTiers, recommend } from './lambdaModel';
import type { ModelOptions, Strategy, TierEstimate } from './lambdaModel';

const STRATEGIES: Strategy[] = ['cost', 'speed', 'balanced'];
/** Dollars with enough digits to tell small costs apart. */
export const usd = (n: number) => `$${n < 0.01 ? n.toFixed(5) : n.toFixed(4)}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** One line on what was measured. */
export function describeInvocation(m: Invocation): string {
  return (
    `${m.service}/${m.fn}: ${m.records} record(s), ${m.rows.toLocaleString('en')} rows; wall ${seconds(m.wallMs)}, CPU ${seconds(m.cpuMs)} ` +
    `(parallelism ${(m.cpuMs / m.wallMs).toFixed(2)}), peak RSS ${m.peakRssMb.toFixed(0)} MB, init ${m.initMs.toFixed(0)} ms; ` +
    `requests: S3 ${m.requests.s3Write} write + ${m.requests.s3Read} read, SQS ${m.requests.sqs}`
  );
}

/** The tier table of one stage and its recommendations. */
export function tierTable(m: Invocation, options: ModelOptions = {}): { lines: string[]; picks: Record<Strategy, TierEstimate> } {
  const tiers = modelTiers(m, options);
  const picks = Object.fromEntries(STRATEGIES.map((s) => [s, recommend(tiers, s)])) as Record<Strategy, TierEstimate>;
  const lines = [`  ${'memory'.padStart(9)} ${'duration'.padStart(10)} ${'$/invocation'.padStart(13)} ${'$/1M rows'.padStart(10)}  fits`];
  for (const t of tiers) {
    const marks = STRATEGIES.filter((s) => picks[s].memoryMb === t.memoryMb).join(', ');
    lines.push(
      `  ${`${t.memoryMb} MB`.padStart(9)} ${seconds(t.durationMs).padStart(10)} ${usd(t.costPerInvocation).padStart(13)} ${usd(t.costPerMillionRows).padStart(10)}  ${t.fits ? 'yes' : 'no '}  ${marks ? `← ${marks}` : ''}`,
    );
  }
  return { lines, picks };
}
