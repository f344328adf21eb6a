import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { LOCAL_CREDENTIALS } from '@etl/local-aws';
import { startTestStack } from '@etl/local-aws/testing';
import type { Engine, TestStack } from '@etl/local-aws/testing';
import type { Warehouse } from '@etl/warehouse';

/** The ARN the local warehouse takes for COPY (it reads S3 itself and does not assume the role). */
export const COPY_ROLE = 'arn:aws:iam::000000000000:role/etl-load-dev-warehouse-copy';

/**
 * A jest fixture for the enclosing `describe`: the local stack on `engine`, an S3 client with
 * `bucket` created, and the warehouse through the Data API; torn down after. Read the fields
 * inside tests (they exist once beforeAll ran).
 */
export function useWarehouseStack(
  engine: Engine,
  bucket: string,
): { readonly stack: TestStack; readonly s3: S3Client; readonly warehouse: Warehouse } {
  const fixture = {} as { stack: TestStack; s3: S3Client; warehouse: Warehouse };
  beforeAll(async () => {
    fixture.stack = await startTestStack(engine);
    const { endpoints } = fixture.stack;
    fixture.s3 = new S3Client({ endpoint: endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await fixture.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    fixture.warehouse = {
      client: new RedshiftDataClient({ endpoint: endpoints.redshiftData, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
      target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
      copyRoleArn: COPY_ROLE,
    };
  }, 120_000);
  afterAll(async () => {
    fixture.s3?.destroy();
    fixture.warehouse?.client.destroy();
    await fixture.stack?.cleanup();
  });
  return fixture;
}
