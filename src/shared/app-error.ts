/**
 * The one error vocabulary of wattledger. Every failure that crosses a transport boundary is an
 * AppError with one of these codes; `statusOf` maps each code to its HTTP status exhaustively.
 */
export type AppErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'consent_required'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'overloaded'
  | 'store_unavailable'
  | 'ledger_unavailable'
  | 'internal';

const STATUS: { readonly [K in AppErrorCode]: number } = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  // The role may read the resource, but the contract's consent does not allow this granularity.
  consent_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  conflict: 409,
  // Well-formed, but the data cannot be taken as it is (a register below the stored index).
  unprocessable: 422,
  rate_limited: 429,
  // Too many heavy queries are queued already: retry later, as with an unavailable store.
  overloaded: 503,
  store_unavailable: 503,
  ledger_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** HTTP status of an error code. */
export function statusOf(code: AppErrorCode): number {
  return STATUS[code];
}
