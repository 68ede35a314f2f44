import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './principal.js';

/**
 * API keys look like `wl_<role>_<43 url-safe characters>` (256 random bits) so that a leaked key is
 * recognisable in logs and secret scanners. Only their SHA-256 is stored: a key has enough entropy
 * that a slow hash adds nothing, and a fast one keeps authentication off the request's critical
 * path.
 */
export function generateApiKey(role: Role): string {
  return `wl_${role}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two key hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
