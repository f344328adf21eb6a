import { describeServiceTemplate } from '@etl/harness/testing';

describeServiceTemplate({
  service: 'load',
  functions: [
    { logicalId: 'LoadWorkerLambdaFunction', queueWorker: true },
    {
      logicalId: 'MaintenanceLambdaFunction',
      queueWorker: false,
      memoryParam: 'maintenanceMemorySize',
      timeoutParam: 'maintenanceTimeout',
      provisioned: false,
    },
  ],
  dataBucket: 'DataBucket',
  outputs: ['dataBucketName', 'loadQueueUrl', 'loadQueueArn', 'loadDlqUrl', 'warehouseCopyRoleArn'],
});
