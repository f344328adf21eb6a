import type { Pipeline } from './definition';
import { PipelineDefinitionError } from './definition';

/** A definition that did not load: where it is, and every problem (or the error that stopped it). */
export interface InvalidDefinition {
  /** The name it is registered under. */
  name: string;
  /** `packages/pipelines/src/x.ts:12`, when the error says where. */
  where?: string;
  problems: string[];
  /** Its module does not parse: no bundle of the services can be built until it does. */
  doesNotParse?: true;
}

/** The pipelines that loaded, by name, and those that did not. */
export interface LoadedDefinitions {
  pipelines: Readonly<Record<string, Pipeline>>;
  invalid: readonly InvalidDefinition[];
}

/** `file.ts:line` of the first frame under packages/pipelines/ in an error's stack (source-mapped), or of its message. */
function whereIn(error: unknown): string | undefined {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  const match = /(packages\/pipelines\/src\/[\w./-]+\.ts):(\d+)/.exec(text);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

/** Why a module did not load, in one line: the compiler's own error when it does not parse (esbuild: `…ts:35:16: ERROR: Unexpected ","`). */
function loadFailure(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((line) => line.trim());
  const parse = lines.find((line) => line.includes('ERROR: '));
  return parse ? `does not parse: ${parse.slice(parse.indexOf('ERROR: ') + 7)}` : (lines.find(Boolean) ?? 'did not load');
}

/**
 * Loads each registered definition on its own (`load` requires its module), so one that does not
 * parse or check does not hide the others: the valid ones can run while it is fixed, and
 * `etl check` can name every problem of every one. Deploys refuse any invalid one.
 */
export function loadDefinitions(load: Readonly<Record<string, () => Pipeline>>): LoadedDefinitions {
  const pipelines: Record<string, Pipeline> = {};
  const invalid: InvalidDefinition[] = [];
  for (const [name, definition] of Object.entries(load)) {
    try {
      pipelines[name] = definition();
    } catch (error) {
      const where = whereIn(error);
      const problems = error instanceof PipelineDefinitionError ? [...error.problems] : [loadFailure(error)];
      const doesNotParse = problems[0]!.startsWith('does not parse');
      invalid.push({ name, ...(where ? { where } : {}), problems, ...(doesNotParse ? { doesNotParse } : {}) });
    }
  }
  return { pipelines, invalid };
}
