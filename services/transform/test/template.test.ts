import { describeServiceTemplate } from '@etl/local-aws/testing';

describeServiceTemplate({
  service: 'transform',
  functions: [{ logicalId: 'TransformWorkerLambdaFunction', queueWorker: true }],
  outputs: ['transformQueueUrl', 'transformQueueArn', 'transformDlqUrl'],
});
