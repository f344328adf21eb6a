import type { IncomingMessage } from 'node:http';
import { header } from '../common/http';
import { S3Error } from './s3Errors';

/**
 * GetObject's and HeadObject's response header overrides: query parameters (as presigned
 * download links carry them) that set the response's headers in place of the object's.
 */
const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

export const RESPONSE_OVERRIDE_PARAMETERS = Object.keys(OVERRIDES);

/** Signed in a header (SigV4 or SigV2) or in the query (a presigned URL, either version). */
function isSigned(request: IncomingMessage): boolean {
  return header(request, 'authorization') !== undefined || /[?&](X-Amz-Signature|Signature)=/.test(request.url ?? '');
}

/**
 * The headers the request's `response-*` parameters set. S3 refuses them on an anonymous
 * request, and refuses a value a header cannot carry (anything beyond ISO-8859-1).
 */
export function responseOverrides(query: URLSearchParams, request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [parameter, name] of Object.entries(OVERRIDES)) {
    const value = query.get(parameter);
    if (!value) continue; // an empty value is ignored, as S3 ignores it
    if (!isSigned(request))
      throw new S3Error(400, 'InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.');
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value))
      throw new S3Error(400, 'InvalidArgument', 'Header value cannot be represented using ISO-8859-1.', {
        ArgumentName: parameter,
        ArgumentValue: value,
      });
    headers[name] = value;
  }
  return headers;
}
