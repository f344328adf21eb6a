/**
 * etl — run and operate the pipelines from a terminal: `etl --help` lists the commands.
 *
 * Loading the commands loads every pipeline definition, and a definition checks itself as it
 * loads: an invalid one is reported here in one line per problem — which definition, what to fix
 * — instead of a stack trace, whatever command was asked for.
 */
import { PipelineDefinitionError } from '@etl/pipeline-kit';
import { failureLine } from '../src/output';

try {
  require('./etlProgram');
} catch (error) {
  console.error(`✘ etl: ${failureLine(error)}`);
  if (error instanceof PipelineDefinitionError)
    console.error(
      `  fix packages/pipelines/src/ (the definition of "${error.pipeline}"): no etl command runs until every definition is valid`,
    );
  process.exit(1);
}
