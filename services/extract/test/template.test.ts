import { describeServiceTemplate } from '@etl/local-aws/testing';

describeServiceTemplate({
  service: 'extract',
  functions: [{ logicalId: 'PublishRunLambdaFunction', queueWorker: false }],
  outputs: [],
});
