import { describeServiceTemplate } from '@etl/local-aws/testing';

describeServiceTemplate({
  service: 'load',
  functions: [{ logicalId: 'LoadWorkerLambdaFunction', queueWorker: true }],
  dataBucket: 'DataBucket',
  outputs: ['dataBucketName', 'loadQueueUrl', 'loadQueueArn', 'loadDlqUrl', 'warehouseCopyRoleArn'],
});
