// One error type for the whole product: a stable `code` for programs, a one-line message for people,
// and the HTTP status the API answers with. Messages say what was received and what to do.

export type ErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_ARGUMENT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'DATASET_NOT_FOUND'
  | 'RUN_EXISTS'
  | 'RUN_NOT_FOUND'
  | 'EPOCH_NOT_FOUND'
  | 'PORT_IN_USE'
  | 'STORE_UNAVAILABLE'
  | 'REDIS_UNAVAILABLE'
  | 'BUSY'
  | 'NOT_FOUND'
  | 'INTERNAL';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_CONFIG: 400,
  INVALID_ARGUMENT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  DATASET_NOT_FOUND: 404,
  RUN_EXISTS: 409,
  RUN_NOT_FOUND: 404,
  EPOCH_NOT_FOUND: 404,
  PORT_IN_USE: 409,
  STORE_UNAVAILABLE: 503,
  REDIS_UNAVAILABLE: 503,
  /** Too much work already waiting (feature renders): try again shortly. */
  BUSY: 503,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

/** Whether `value` is one of the ErrorCode strings (for codes that crossed a process boundary). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(STATUS_BY_CODE, value);
}

export class TransferscopeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'TransferscopeError';
    this.code = code;
    this.status = STATUS_BY_CODE[code];
  }
}
