// The planner's schedules come from the pipeline definitions (each has its `schedule`), so they
// are written once. Loading the definitions here also means `serverless package` fails, with
// the definition's own error, when a pipeline is invalid.
require('esbuild-register/dist/node').register({ target: 'node20' });
const { pipelines } = require('@etl/pipelines');

module.exports.plannerEvents = async ({ resolveVariable }) => {
  const enabled = await resolveVariable('param:schedulesEnabled');
  const stage = await resolveVariable('sls:stage');
  return Object.values(pipelines)
    .filter((pipeline) => pipeline.schedule)
    .map((pipeline) => ({
      schedule: { name: `etl-${pipeline.name}-planner-${stage}`, rate: [pipeline.schedule], enabled: enabled === true || enabled === 'true', input: { pipeline: pipeline.name } },
    }));
};
