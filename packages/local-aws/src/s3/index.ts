export { S3Store, MIN_PART_SIZE } from './s3Store';
export { createS3Server } from './s3Server';
