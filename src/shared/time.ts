import { z } from 'zod';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parse an RFC 3339 timestamp (with `Z` or an offset) to epoch ms, or undefined when it is
 * malformed or names an impossible date (Feb 30, 25:00). Sub-millisecond digits are truncated.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  const frac = m[7] === undefined ? '' : m[7].slice(0, 4);
  const ms = Date.parse(
    `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}${m[8]?.toUpperCase() === 'Z' ? 'Z' : m[8]}`,
  );
  return Number.isNaN(ms) ? undefined : ms;
}

/** UTC RFC 3339 with milliseconds: the one timestamp format wattledger writes. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * RFC 3339 in UTC for API answers: `2026-11-29T18:15:00Z`, with milliseconds only when there are
 * some.
 */
export function toRfc3339(ms: number): string {
  let text = formatted.get(ms);
  if (text === undefined) {
    const iso = new Date(ms).toISOString();
    text = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
    if (formatted.size >= 100_000) formatted.clear();
    formatted.set(ms, text);
  }
  return text;
}

/**
 * Bucket edges repeat across answers (the same days and quarter hours for many meters): format each
 * once.
 */
const formatted = new Map<number, string>();

/** A zod schema for an RFC 3339 instant, transformed to epoch ms. */
export const instantSchema = z.string().transform((s, ctx) => {
  const ms = parseRfc3339(s);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `not an RFC 3339 timestamp with a time zone: ${JSON.stringify(s.slice(0, 40))}`,
    });
    return z.NEVER;
  }
  return ms;
});
