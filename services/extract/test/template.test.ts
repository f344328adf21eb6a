import { describeServiceTemplate } from '@etl/harness/testing';

describeServiceTemplate({
  service: 'extract',
  functions: [
    { logicalId: 'PlannerLambdaFunction', queueWorker: false },
    { logicalId: 'ExtractWorkerLambdaFunction', queueWorker: true, timeoutParam: 'workerTimeout' },
    { logicalId: 'SqlExtractWorkerLambdaFunction', queueWorker: true, timeoutParam: 'workerTimeout' },
    { logicalId: 'PublishRunLambdaFunction', queueWorker: false },
    { logicalId: 'DroppedLambdaFunction', queueWorker: false, timeoutParam: 'workerTimeout', provisioned: false },
  ],
  outputs: ['extractQueueUrl', 'extractQueueArn', 'extractDlqUrl', 'extractSqlQueueUrl', 'extractSqlDlqUrl'],
});
