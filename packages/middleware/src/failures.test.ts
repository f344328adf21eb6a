import { S3ServiceException } from '@aws-sdk/client-s3';
import { EtlError } from '@etl/contracts';
import { failureOf } from './failures';

/** An S3 error as the SDK throws it from a response: its name, fault and status. */
function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status < 500 ? 'client' : 'server', $metadata: { httpStatusCode: status }, message: name });
}

class PoisonRow extends EtlError {
  readonly code = 'POISON_ROW';
  readonly retry = 'permanent';
}

describe('failureOf', () => {
  it("takes what the pipeline's own errors say", () => {
    expect(failureOf(new PoisonRow('row 3 is not JSON'))).toEqual({ code: 'POISON_ROW', retry: 'permanent', reason: 'row 3 is not JSON' });
  });

  it("counts the caller's faults as permanent, those that pass on their own as transient", () => {
    expect(failureOf(s3Error('AccessDenied', 403))).toMatchObject({ code: 'AccessDenied', retry: 'permanent' });
    expect(failureOf(s3Error('NoSuchKey', 404))).toMatchObject({ code: 'NoSuchKey', retry: 'permanent' });
    expect(failureOf(s3Error('ExpiredToken', 400))).toMatchObject({ code: 'ExpiredToken', retry: 'transient' });
    // S3 on a conditional write: "if a conflicting operation occurs during the upload … retry the upload"
    expect(failureOf(s3Error('ConditionalRequestConflict', 409))).toMatchObject({ code: 'ConditionalRequestConflict', retry: 'transient' });
  });

  it('counts what the SDK retries as transient, and anything unknown as transient too', () => {
    expect(failureOf(s3Error('SlowDown', 503))).toMatchObject({ code: 'SlowDown', retry: 'transient' });
    expect(failureOf(new Error('socket hang up'))).toEqual({ code: 'UNCLASSIFIED', retry: 'transient', reason: 'socket hang up' });
  });
});
