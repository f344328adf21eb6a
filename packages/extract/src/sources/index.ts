/**
 * The source kinds, registered once. A kind is a folder beside this file (its definition, its
 * checks, its reader, the queue it runs on, where it is per stage, its `etl new` block); add the
 * folder, then its entry below — the compiler refuses a kind declared in `SourceKinds` and not
 * registered here. Everything else (the planner, the extract workers, the packaged environment,
 * `etl new`, `etl run`, `etl check`, `etl runs`) asks this registry.
 */
import { PipelineDefinitionError } from '@etl/pipeline-kit';
import type { InvalidDefinition, Pipeline, PipelineDefinition, SourceDefinition, SourceKinds } from '@etl/pipeline-kit';
import { httpKind } from './http';
import { s3DropKind } from './s3-drop';
import type { SourceKind } from './sourceKind';
import { locationParam } from './sourceKind';
import { sqlKind } from './sql';

export const SOURCE_KINDS: { readonly [K in keyof SourceKinds]: SourceKind<SourceKinds[K]> } = {
  http: httpKind,
  sql: sqlKind,
  's3-drop': s3DropKind,
};

/** A registered kind, whichever it is: its methods take the source it is looked up by. */
export type AnySourceKind = SourceKind<SourceDefinition>;

/** Every registered kind. */
export function sourceKinds(): AnySourceKind[] {
  return Object.values(SOURCE_KINDS) as unknown[] as AnySourceKind[];
}

/** The registered kind a source names, if any (a definition may name one that is not). */
const registered = (source: { kind?: unknown } | undefined): AnySourceKind | undefined =>
  (SOURCE_KINDS as Record<string, AnySourceKind | undefined>)[String(source?.kind)];

/** The kind of a pipeline's source, or an error naming the registered ones. */
export function sourceKindOf(pipeline: Pick<PipelineDefinition, 'name' | 'source'>): AnySourceKind {
  const kind = registered(pipeline.source);
  if (!kind)
    throw new Error(
      `pipeline ${pipeline.name}: source kind "${String(pipeline.source?.kind)}" is not registered (known: ${Object.keys(SOURCE_KINDS).join(', ')}; packages/extract/src/sources/index.ts)`,
    );
  return kind;
}

/** What is wrong with a definition's source: an unknown kind, or its kind's own checks. */
export function sourceProblems(pipeline: PipelineDefinition): string[] {
  const kind = registered(pipeline.source);
  if (!kind) return [`source.kind "${String(pipeline.source?.kind)}" is none of ${Object.keys(SOURCE_KINDS).join(', ')}`];
  return kind.problems(pipeline.source, pipeline);
}

/**
 * Checks every pipeline's source as its kind checks it (`definePipeline` checks the rest, and
 * knows no kind). @throws {PipelineDefinitionError} for the first pipeline with problems.
 */
export function checkSources(pipelines: Readonly<Record<string, PipelineDefinition>>): void {
  for (const pipeline of Object.values(pipelines)) {
    const problems = sourceProblems(pipeline);
    if (problems.length > 0) throw new PipelineDefinitionError(pipeline.name, problems);
  }
}

/**
 * Every registered definition that is not valid: those that did not load or check
 * (`definePipeline`, `invalid`), then the valid ones whose source its kind refuses — the one list
 * `etl check`, the other commands and packaging act on.
 */
export function invalidDefinitions(
  pipelines: Readonly<Record<string, PipelineDefinition>>,
  invalid: readonly InvalidDefinition[],
): InvalidDefinition[] {
  return [
    ...invalid,
    ...Object.values(pipelines).flatMap((pipeline) => {
      const problems = sourceProblems(pipeline);
      return problems.length > 0 ? [{ name: pipeline.name, problems }] : [];
    }),
  ];
}

/** Where a pipeline's source is on a stage: the worker's variable and the param it is set from (none for dropped files). */
export interface PipelineLocation {
  pipeline: string;
  kind: AnySourceKind;
  env: string;
  param: string;
}

export function pipelineLocation(pipeline: Pipeline): PipelineLocation | undefined {
  const kind = sourceKindOf(pipeline);
  if (!kind.location) return undefined;
  const env = kind.location.env(pipeline.source);
  return { pipeline: pipeline.name, kind, env, param: locationParam(env) };
}

/**
 * The extract service's params that point `pipeline` at `url` (`etl run … --source-url`): the
 * param its kind's location variable is set from. Refuses a kind with no location, and a URL
 * its kind does not read, naming the pipeline.
 */
export function sourceParams(pipeline: Pipeline, url: string): Record<string, string> {
  const location = pipelineLocation(pipeline);
  if (!location)
    throw new Error(
      `pipeline ${pipeline.name} reads ${sourceKindOf(pipeline).label}: --source-url is for sources with a location (an API, a database)`,
    );
  if (!location.kind.location!.accepts.test(url))
    // the URL's start only: it may carry a password
    throw new Error(`pipeline ${pipeline.name} reads ${location.kind.location!.expected}, not "${url.slice(0, 60)}"`);
  return { [location.param]: url };
}

export { locationParam, locationValue, SourceLocationMissing } from './sourceKind';
export type { DatabaseDrivers, FanOutContext, ReadContext, SourceConnection, SourceKind, SourceLocation } from './sourceKind';
export type { HttpSource } from './http/definition';
export type { SqlSource } from './sql/definition';
export type { S3DropSource } from './s3-drop/definition';
