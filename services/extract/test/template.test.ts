import { describeServiceTemplate } from '@etl/local-aws/testing';

describeServiceTemplate({
  service: 'extract',
  functions: [
    { logicalId: 'PlannerLambdaFunction', queueWorker: false },
    { logicalId: 'ExtractWorkerLambdaFunction', queueWorker: true, timeoutParam: 'workerTimeout' },
    { logicalId: 'PublishRunLambdaFunction', queueWorker: false },
  ],
  outputs: ['extractQueueUrl', 'extractQueueArn', 'extractDlqUrl'],
});
