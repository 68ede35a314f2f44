import { AppError } from '../shared/app-error.js';

/**
 * Await a readings-store call, turning its failure (outage, timeout) into AppError
 * `store_unavailable` (503): the request was fine and may be retried, which a 500 would not say.
 */
export async function fromStore<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw new AppError(
      'store_unavailable',
      `the readings store did not answer ${what}: ${(e as Error).message}`,
    );
  }
}
