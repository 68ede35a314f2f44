import { AppError } from '../../shared/app-error.js';

/** A page of a list, newest first, and the cursor of the next (older) one. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Absent on the last page. */
  readonly nextCursor?: string;
}

/** Page sizes of the fleet-wide lists: 1 to 500, 100 by default. */
export const PAGE_LIMITS = { min: 1, max: 500, default: 100 } as const;

/** An opaque cursor from its parts (base64url, so it travels in a query string unescaped). */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(parts.join('\u0000'), 'utf8').toString('base64url');
}

/**
 * The parts of a cursor made by `encodeCursor` with `n` parts.
 *
 * @throws AppError `validation_failed` for anything else.
 */
export function decodeCursor(cursor: string, n: number): string[] {
  const parts = /^[A-Za-z0-9_-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8').split('\u0000')
    : [];
  if (parts.length !== n || parts.some((p) => p === ''))
    throw new AppError('validation_failed', 'before: not a cursor from nextCursor');
  return parts;
}
