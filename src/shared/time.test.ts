import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './time.js';

describe('parseRfc3339', () => {
  it.each([
    ['2026-11-29T18:15:00Z', Date.UTC(2026, 10, 29, 18, 15)],
    ['2026-11-29T19:15:00+01:00', Date.UTC(2026, 10, 29, 18, 15)],
    ['2026-11-29t18:15:00.123456z', Date.UTC(2026, 10, 29, 18, 15, 0, 123)],
    ['2024-02-29T00:00:00-05:45', Date.UTC(2024, 1, 29, 5, 45)],
  ])('parses %s', (text, ms) => expect(parseRfc3339(text)).toBe(ms));

  it.each([
    '2026-11-29T18:15:00',
    '2026-11-29 18:15:00Z',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-11-29T24:00:00Z',
    'soon',
    '',
  ])('refuses %j', (text) => expect(parseRfc3339(text)).toBeUndefined());
});
