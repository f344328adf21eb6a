import { describeServiceTemplate } from '@etl/harness/testing';

describeServiceTemplate({
  service: 'transform',
  functions: [{ logicalId: 'TransformWorkerLambdaFunction', queueWorker: true }],
  outputs: ['transformQueueUrl', 'transformQueueArn', 'transformDlqUrl'],
});
