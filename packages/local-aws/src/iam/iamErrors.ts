/**
 * An error of the IAM or STS query APIs: `<ErrorResponse><Error><Type>Sender</Type><Code>…`,
 * with the HTTP status each code has in AWS (NoSuchEntity 404, EntityAlreadyExists 409…).
 */
export class IamError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly senderFault = true,
  ) {
    super(message);
  }
}

export const iamErrors = {
  noSuchEntity: (message: string) => new IamError('NoSuchEntity', message, 404),
  alreadyExists: (message: string) => new IamError('EntityAlreadyExists', message, 409),
  deleteConflict: (message: string) => new IamError('DeleteConflict', message, 409),
  validation: (message: string) => new IamError('ValidationError', message, 400),
  malformedPolicy: (message: string) => new IamError('MalformedPolicyDocument', message, 400),
  limitExceeded: (message: string) => new IamError('LimitExceeded', message, 409),
  accessDenied: (message: string) => new IamError('AccessDenied', message, 403),
  missingParameter: (name: string) => new IamError('MissingParameter', `The request must contain the parameter ${name}.`, 400),
  invalidAction: (action: string, implemented: string[]) =>
    new IamError(
      'InvalidAction',
      `The action ${action || '(none)'} is not valid for this web service (the local stand-in implements: ${implemented.join(', ')}).`,
      400,
    ),
} as const;
