// Typed errors: a stable code, an HTTP status, and a message safe to show to the caller.
// The log gets `cause`; users and HTTP clients get `message` only.
export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(readonly issues: FieldIssue[], message = 'invalid_payload') {
    super('invalid_payload', 400, message, { issues });
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'unauthorized') {
    super('unauthorized', 401, message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends AppError {
  /** details.issues: the fields at fault, answered with the message */
  constructor(message: string, details?: Record<string, unknown>) {
    super('forbidden', 403, message, details);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('not_found', 404, message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', 409, message, details);
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super('payload_too_large', 413, `request body is over the ${limit}-byte limit`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super('unsupported_media_type', 415, message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class NotConfiguredError extends AppError {
  constructor(message: string) {
    super('not_configured', 503, message);
    this.name = 'NotConfiguredError';
  }
}

/** A refusal or mistake the Slack user should read as is (bad arguments, no permission). */
export class UserFacingError extends AppError {
  constructor(message: string, code = 'user_error') {
    super(code, 400, message);
    this.name = 'UserFacingError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
