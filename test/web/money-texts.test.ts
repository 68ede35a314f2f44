import { describe, expect, it } from 'vitest';
import { budgetState, budgetText, rangeText } from '../../web/src/customer/estimate-text.js';
import { addMoney, compareMoney } from '../../web/src/shared/money.js';
import {
  chartInstants,
  monthSpan,
  totalRange,
  whyNotExact,
} from '../../web/src/staff/revenue-series.js';

const r = (p10: string, p50: string, p90: string) => ({ p10, p50, p90 });
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('money strings, exactly', () => {
  it.each([
    ['0.10', '0.1', 0],
    ['130.00', '129.99', 1],
    ['-3.10', '-3.1', 0],
    ['-3.11', '-3.1', -1],
    ['120', '120.01', -1],
    ['1000000000.00', '999999999.99', 1],
  ] as const)('compareMoney(%s, %s) = %i', (a, b, want) => {
    expect(compareMoney(a, b)).toBe(want);
  });

  it('adds without binary floating point', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(addMoney('10.01', '-20.02', '0.005')).toBe('-10.005');
    expect(addMoney('-0.50', '0.50')).toBe('0.00');
    expect(addMoney('7')).toBe('7');
    expect(() => addMoney('1e3')).toThrow(RangeError);
  });
});

describe("the customer's range and budget", () => {
  const est = r('118.00', '130.00', '142.00');

  it('says the range as the customer reads it', () => {
    expect(rangeText(est, 'EUR')).toBe('between 118.00 and 142.00 EUR, most likely 130.00');
    expect(rangeText(r('-12.00', '-4.50', '3.00'), 'EUR')).toBe(
      'between −12.00 and 3.00 EUR, most likely −4.50',
    );
  });

  it.each([
    ['100.00', 'over'],
    ['118.00', 'likely-over'],
    ['129.99', 'likely-over'],
    // Equal is not past it.
    ['130.00', 'may-exceed'],
    ['141.99', 'may-exceed'],
    ['142.00', 'within'],
    ['500', 'within'],
  ] as const)('a budget of %s: %s', (budget, want) => {
    expect(budgetState(est, budget)).toBe(want);
  });

  it('words each warning with the figure that passes the budget', () => {
    expect(budgetText('over', est, '100.00', 'EUR')).toMatch(
      /almost certainly pass your budget of 100\.00 EUR: even the low end of the estimate, 118\.00 EUR/,
    );
    expect(budgetText('likely-over', est, '120.00', 'EUR')).toMatch(
      /probably pass your budget of 120\.00 EUR: the most likely total, 130\.00 EUR/,
    );
    expect(budgetText('within', est, '150.00', 'EUR')).toMatch(/^Within your budget/);
  });
});

describe('the revenue chart', () => {
  it('spans the month in UTC and its grace window, and asks about each passed midnight and now', () => {
    const span = monthSpan('2026-02', 72);
    expect([span.start, span.end, span.graceEnd, span.axisEnd].map(iso)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-03-04T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z',
    ]);
    const now = Date.parse('2026-02-03T10:30:00Z');
    expect(chartInstants(span, now).map(iso)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-02-02T00:00:00.000Z',
      '2026-02-03T00:00:00.000Z',
      '2026-02-03T10:30:00.000Z',
    ]);
    expect(chartInstants(span, span.start - H)).toEqual([]);
    // Long after settlement: every midnight of the axis, no "now".
    expect(chartInstants(span, Date.parse('2026-06-01T00:00:00Z'))).toHaveLength(33);
  });

  const month = (o: Partial<Parameters<typeof totalRange>[0]>) => ({
    currency: 'EUR',
    settled: '0.00',
    provisional: '0.00',
    held: '0.00',
    estimated: r('0.00', '0.00', '0.00'),
    adjustmentsPending: '0.00',
    ...o,
  });

  it('adds what is known to the estimate', () => {
    expect(
      totalRange(
        month({
          settled: '100.00',
          provisional: '20.00',
          held: '5.00',
          adjustmentsPending: '-1.00',
          estimated: r('30.00', '40.00', '55.00'),
        }),
      ),
    ).toEqual(r('154.00', '164.00', '179.00'));
  });

  it.each([
    [
      month({ settled: '10.00', estimated: r('80.00', '90.00', '99.00') }),
      /still open.*90\.00 EUR of it is a projection.*between 90\.00 EUR and 109\.00 EUR.*10\.00 EUR already invoiced/,
    ],
    [
      month({ provisional: '300.00' }),
      /has ended, but 300\.00 EUR stays provisional.*72-hour grace window/,
    ],
    [month({ provisional: '300.00', held: '12.00' }), /12\.00 EUR is held until staff/],
    [
      month({ settled: '400.00', adjustmentsPending: '-2.00' }),
      /month has ended, but −2\.00 EUR of adjustments for late readings is still to be invoiced\.$/,
    ],
    [
      month({ held: '12.00' }),
      /^This cannot be exact yet: the month has ended, but 12\.00 EUR is held/,
    ],
    [month({ settled: '400.00' }), /^Every bill of the month is settled: 400\.00 EUR is final/],
  ])('one sentence on why it is not exact yet: %#', (rev, want) => {
    expect(whyNotExact(rev, '2026-10', 72)).toMatch(want);
  });

  it('says when the month has no bill at all', () => {
    expect(whyNotExact(undefined, '2026-10', 72)).toMatch(/No bill of 2026-10/);
  });
});
