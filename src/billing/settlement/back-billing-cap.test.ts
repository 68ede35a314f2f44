import { describe, expect, it } from 'vitest';
import { backBillingCapStart, billableRange, capCut } from './back-billing-cap.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('backBillingCapStart: calendar months before now, in UTC', () => {
  it.each([
    ['2026-05-15T12:00:00Z', 14, '2025-03-15T12:00:00.000Z'],
    ['2026-06-01T00:00:00Z', 14, '2025-04-01T00:00:00.000Z'],
    // a day the earlier month lacks is clamped to its last day
    ['2026-04-30T10:00:00Z', 14, '2025-02-28T10:00:00.000Z'],
    ['2025-04-30T10:00:00Z', 14, '2024-02-29T10:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 1, '2026-02-28T23:59:59.999Z'],
    ['2026-05-15T12:00:00Z', 0, '2026-05-15T12:00:00.000Z'],
  ])('at %s, %i months: %s', (now, months, cap) => {
    expect(iso(backBillingCapStart(t(now), months))).toBe(cap);
  });
});

describe('billableRange and capCut: what of a period the cap leaves to bill', () => {
  const march = { start: t('2025-02-28T23:00:00Z'), end: t('2025-03-31T22:00:00Z') };
  it.each([
    // [cap start, billable range start or undefined, cut]
    ['ended before the cap', '2025-04-01T00:00:00Z', undefined, undefined],
    ['ended exactly at the cap', '2025-03-31T22:00:00Z', undefined, undefined],
    // the last quarter hour began before the cap: nothing of the period is inside it
    ['cap inside the last quarter hour', '2025-03-31T21:50:00Z', undefined, undefined],
    ['cap on a quarter hour inside', '2025-03-15T12:00:00Z', '2025-03-15T12:00:00.000Z', true],
    ['cap between quarter hours', '2025-03-15T12:00:00.001Z', '2025-03-15T12:15:00.000Z', true],
    ['cap at the period start', '2025-02-28T23:00:00Z', '2025-02-28T23:00:00.000Z', false],
    [
      'cap in the quarter hour before the start',
      '2025-02-28T22:50:00Z',
      '2025-02-28T23:00:00.000Z',
      false,
    ],
    ['cap long before', '2024-01-01T00:00:00Z', '2025-02-28T23:00:00.000Z', false],
  ])('%s', (_, cap, start, cut) => {
    const range = billableRange(march, t(cap));
    expect(iso(range?.start)).toBe(start);
    if (range !== undefined) expect(range.end).toBe(march.end);
    expect(iso(capCut(march, t(cap)))).toBe(cut === true ? start : undefined);
  });
});
