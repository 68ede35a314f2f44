import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A new resource id such as `cus_5k2m9x0q4r7t1v8w`: a type prefix and 80 random bits in Crockford
 * base32.
 */
export function newId(prefix: 'cus' | 'trf' | 'ctr' | 'key' | 'per' | 'adj'): string {
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i += 1) out += ALPHABET[bytes[i]! & 31];
  return `${prefix}_${out}`;
}
