import { z } from 'zod';

const DECIMAL_RE = /^\d{1,15}(\.\d{1,12})?$/;

const kindOf = (v: unknown) =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'number'
        ? 'a JSON number'
        : typeof v === 'object'
          ? 'an object'
          : `a ${typeof v}`;

/**
 * A non-negative exact decimal as a string (`"0.2081"`): money and rates never travel as
 * JSON numbers, which are binary floating point. Up to 15 integer and 12 fraction
 * digits; no sign, no exponent.
 */
export const decimalString = z
  .string({
    error: (i) =>
      i.input === undefined
        ? 'required'
        : `must be a decimal string such as "0.2081", not ${kindOf(i.input)}`,
  })
  .regex(
    DECIMAL_RE,
    'must be a non-negative decimal string such as "0.2081" (digits, an optional "." and up to 12 fraction digits; no sign or exponent)',
  )
  .meta({ example: '0.2081', description: 'A non-negative decimal string (never a JSON number).' });

/** Exact comparison of two strings accepted by `decimalString`. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const norm = (i: string) => i.replace(/^0+(?=\d)/, '');
  const [x, y] = [norm(ai), norm(bi)];
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const l = x + af.padEnd(width, '0');
  const r = y + bf.padEnd(width, '0');
  return l === r ? 0 : l < r ? -1 : 1;
}
