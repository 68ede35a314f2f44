import { describe, expect, it } from 'vitest';
import { tariffSchema } from '../tariff-schema.js';
import type { BillingContext } from '../records/billing-context.js';
import { periodAt, type PeriodRowHistory } from './plan-at.js';

const t = (iso: string) => Date.parse(iso);
const H = 3_600_000;
// Paris: October 2026 runs from 30 Sep 22:00Z to 31 Oct 23:00Z.
const OCT = { start: t('2026-09-30T22:00:00Z'), end: t('2026-10-31T23:00:00Z') };
const ctx: BillingContext = {
  contractId: 'ctr_a',
  customerId: 'cus_a',
  tariffId: 'trf_a',
  tariff: tariffSchema.parse({
    name: 'flat',
    currency: 'EUR',
    versions: [
      {
        validFrom: '2020-01-01T00:00:00Z',
        standingChargePerDay: '0.40',
        energy: { type: 'flat', rate: '0.20' },
      },
    ],
  }),
  consent: 'interval',
  timezone: 'Europe/Paris',
  startsAt: t('2026-09-01T00:00:00+02:00'),
  endsAt: null,
  meterIds: ['m1'],
};
const row = (o: Partial<PeriodRowHistory>): PeriodRowHistory => ({
  ...OCT,
  status: 'closed',
  holdReason: null,
  invoiceNumber: null,
  closedAt: OCT.end + H,
  settledAt: null,
  heldAt: null,
  ...o,
});
const settledRow = row({
  status: 'settled',
  invoiceNumber: 'INV-2026-000001',
  settledAt: OCT.end + 80 * H,
  heldAt: OCT.end + 72 * H,
});

describe('periodAt: what a period was at an instant', () => {
  it.each([
    ['before the month started: nothing', undefined, OCT.start - H, OCT.start - H, undefined],
    ['the month running: estimated', undefined, OCT.start + 10 * 24 * H, undefined, 'estimated'],
    ['ended, no row yet: provisional', undefined, OCT.end + H, undefined, 'provisional'],
    [
      'a row closed later: still estimated before the end',
      row({}),
      OCT.end - H,
      undefined,
      'estimated',
    ],
    ['closed: provisional', row({}), OCT.end + 2 * H, undefined, 'provisional'],
    ['settled now, but held then', settledRow, OCT.end + 75 * H, undefined, 'held'],
    [
      'settled now, closed and not yet held then',
      settledRow,
      OCT.end + 10 * H,
      undefined,
      'provisional',
    ],
    ['invoiced by asOf: settled', settledRow, OCT.end + 80 * H, undefined, 'settled'],
    // Unsettled bills are valued at the hour before asOf; the invoice counts to the instant.
    [
      'invoiced between the hour and asOf: settled',
      settledRow,
      OCT.end + 79 * H,
      OCT.end + 80 * H,
      'settled',
    ],
  ] as const)('%s', (_name, r, at, asOf, want) => {
    const got = periodAt(ctx, OCT.start, OCT.end, r, at, asOf ?? at);
    expect(
      got === undefined ? undefined : got.kind === 'settled' ? 'settled' : got.plan.status,
    ).toBe(want);
  });

  it('reads a move-out only once it was recorded', () => {
    const movedOut = { ...ctx, endsAt: t('2026-10-20T10:00:00Z') };
    const moveRow = row({ end: movedOut.endsAt, closedAt: t('2026-10-21T09:00:00Z') });
    const recorded = moveRow.closedAt;
    const before = periodAt(
      movedOut,
      OCT.start,
      OCT.end,
      moveRow,
      recorded - H,
      recorded - H,
      recorded,
    );
    expect(before?.kind === 'unsettled' && before.plan).toMatchObject({
      status: 'estimated',
      period: OCT,
    });
    const after = periodAt(movedOut, OCT.start, OCT.end, moveRow, recorded, recorded, recorded);
    expect(after?.kind === 'unsettled' && after.plan).toMatchObject({
      status: 'provisional',
      period: { start: OCT.start, end: movedOut.endsAt },
    });
  });

  it('a contract starting mid-month: its period starts with it', () => {
    const late = { ...ctx, startsAt: t('2026-10-15T08:00:00Z') };
    expect(
      periodAt(
        late,
        OCT.start,
        OCT.end,
        undefined,
        t('2026-10-15T07:00:00Z'),
        t('2026-10-15T07:00:00Z'),
      ),
    ).toBeUndefined();
    const open = periodAt(
      late,
      OCT.start,
      OCT.end,
      undefined,
      t('2026-10-16T00:00:00Z'),
      t('2026-10-16T00:00:00Z'),
    );
    expect(open?.kind === 'unsettled' && open.plan.period).toEqual({
      start: late.startsAt,
      end: OCT.end,
    });
  });
});
