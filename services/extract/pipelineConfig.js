// What the extract service takes from the pipeline definitions, so that a new pipeline needs no
// edit here: the planner's schedules (each pipeline's `schedule`) and, for each extract worker,
// the variables that say where its pipelines' sources are (packages/extract/src/sources: each
// kind names its queue and its variable; the value comes from the param of the same name in
// camelCase, e.g. SENSOR_API_URL ← sensorApiUrl). `serverless package` fails, with every problem,
// when a definition is invalid — unless the stage says allowInvalidPipelines: true (dev: the others
// still run while one is fixed; the invalid one is left out).
require('esbuild-register/dist/node').register({ target: 'node20' });
const { invalidPipelines, pipelines } = require('@etl/pipelines');
const { invalidDefinitions, pipelineLocation, sourceProblems } = require('@etl/extract/src/sources');

async function validPipelines(resolveVariable) {
  const invalid = invalidDefinitions(pipelines, invalidPipelines);
  if (invalid.length > 0 && String(await resolveVariable('param:allowInvalidPipelines')) !== 'true')
    throw new Error(
      invalid
        .map((d) => `pipeline "${d.name}"${d.where ? ` (${d.where})` : ''} is invalid:\n${d.problems.map((p) => `  - ${p}`).join('\n')}`)
        .join('\n'),
    );
  const left = new Set(invalid.map((d) => d.name));
  return Object.values(pipelines).filter((pipeline) => !left.has(pipeline.name));
}

module.exports.plannerEvents = async ({ resolveVariable }) => {
  const enabled = await resolveVariable('param:schedulesEnabled');
  const stage = await resolveVariable('sls:stage');
  return (await validPipelines(resolveVariable))
    .filter((pipeline) => pipeline.schedule)
    .map((pipeline) => ({
      schedule: {
        name: `etl-${pipeline.name}-planner-${stage}`,
        rate: [pipeline.schedule],
        enabled: enabled === true || enabled === 'true',
        input: { pipeline: pipeline.name },
      },
    }));
};

// Each extract queue's worker: its own variables (custom.workerEnvironment.<queue>) and the source
// location of every pipeline whose kind runs on that queue. A stage that does not set a location's
// param fails packaging, naming it — unless the stage says sourceLocationsRequired: false (dev:
// `etl run … --source-url` passes it; a run without it fails naming the param).
module.exports.workerEnvironment = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const stage = await resolveVariable('sls:stage');
  const required = String(await resolveVariable('param:sourceLocationsRequired')) !== 'false';
  const own = await resolveConfigurationProperty(['custom', 'workerEnvironment']);
  const locations = (await validPipelines(resolveVariable)).map(pipelineLocation).filter(Boolean);
  const environments = {};
  for (const [queue, variables] of Object.entries(own)) {
    const environment = { ...variables };
    for (const location of locations.filter((l) => l.kind.queue === queue)) {
      const value = await resolveVariable(`param:${location.param}, null`);
      if (value !== null && value !== undefined) environment[location.env] = value;
      else if (required)
        throw new Error(
          `pipeline ${location.pipeline} reads its source from ${location.env}, set from the param ${location.param}, which stage ${stage} does not set: ` +
            `serverless deploy --stage ${stage} --param ${location.param}=${location.kind.location.example}` +
            (location.kind.location.deployed === 'secret' ? ` (the ARN of a Secrets Manager secret under etl/${stage}/ holding it)` : ''),
        );
    }
    environments[queue] = environment;
  }
  return environments;
};

// The deploy check (packages/harness/src/deployCheck.ts) asks which params are source locations
// and what each must hold once deployed.
module.exports.sourceLocations = () =>
  Object.values(pipelines)
    .filter((pipeline) => sourceProblems(pipeline).length === 0) // packaging names the others
    .map(pipelineLocation)
    .filter(Boolean)
    .map((l) => ({ pipeline: l.pipeline, param: l.param, deployed: l.kind.location.deployed }));
