import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before
// billing builds its schemas.
import { type Home, onBothSetups, type PrivacyWorld, storedTs, t } from './privacy-world.js';
import { auditOf } from '../../src/audit/audit-log.js';
import { measuredBill } from '../../src/billing/bills/period-bill.js';
import { readBillMeters } from '../../src/billing/bills/read-meters.js';
import { loadBillingContexts } from '../../src/billing/records/billing-context.js';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { computeConsumption } from '../../src/consumption/buckets.js';
import { runRetention } from '../../src/privacy/retention/run-retention.js';
import { expectCall } from '../api/fleet-fixtures.js';

const SEPTEMBER = { start: t('2026-08-31T22:00:00Z'), end: t('2026-09-30T22:00:00Z') };
const OCTOBER = { start: t('2026-09-30T22:00:00Z'), end: t('2026-10-31T23:00:00Z') };
const NOVEMBER = { start: t('2026-10-31T23:00:00Z'), end: t('2026-11-10T00:00:00Z') };
const OPTS = { retentionMonths: 12, backBillingMonths: 14 };

/**
 * Re-price every invoice of a contract from the readings left in the store: each
 * must match the issued one.
 */
async function expectInvoicesRepriced(w: PrivacyWorld, contractId: string): Promise<number> {
  const ctx = (await loadBillingContexts(w.api.ledger.db, [contractId])).get(contractId)!;
  const invoices = await invoicesOf(w.api.ledger.db, contractId);
  for (const inv of invoices) {
    const meters = (
      await readBillMeters(w.api.store, [
        { key: 'k', meterIds: ctx.meterIds, from: inv.period.start, to: inv.period.end },
      ])
    ).get('k')!;
    const again = measuredBill({
      tariff: ctx.tariff,
      tz: ctx.timezone,
      period: inv.period,
      meters,
    });
    expect(again.bill.lines, inv.number).toEqual(inv.lines);
    expect([again.bill.subtotal, again.bill.total], inv.number).toEqual([inv.subtotal, inv.total]);
    expect(again.basis.measuredImportWh, inv.number).toBe(inv.basis.measuredImportWh);
  }
  return invoices.length;
}

/** Day consumption of October from the store, as the consumption API computes it. */
async function octoberDays(w: PrivacyWorld, meterId: string): Promise<(number | null)[]> {
  const win = (await w.api.store.windows([{ meterId, from: OCTOBER.start, to: OCTOBER.end }])).get(
    meterId,
  )!;
  const readings = [win.before, ...win.inside, win.after].filter((r) => r !== undefined);
  return computeConsumption({
    readings,
    from: OCTOBER.start,
    to: OCTOBER.end,
    groupBy: 'day',
    tz: 'Europe/Paris',
  }).buckets.map((b) => b.importWh);
}

const count = async (w: PrivacyWorld, meterId: string, p: { start: number; end: number }) =>
  (await storedTs(w.api.store, meterId, p.start, p.end - 1)).length;

onBothSetups((setup, open) => {
  describe(`retention after consent withdrawal (${setup})`, () => {
    let w: PrivacyWorld;
    let a: Home;
    let held: Home;
    let daysBefore: (number | null)[];

    beforeAll(async () => {
      w = await open();
      a = await w.home('ret-a', { consent: 'interval' });
      held = await w.home('ret-held');
      await w.readings('ret-a', '2026-08-31T00:00:00Z', '2026-11-10T00:00:00Z');
      // No reading after October's end: October stays held, September settles.
      await w.readings('ret-held', '2026-08-31T00:00:00Z', '2026-10-20T00:00:00Z');
      w.clock.set('2026-11-10T00:00:00Z');
      await runSettlement(w.deps, w.billing, { actor: 'cron' });
      expect((await storedPeriods(w.api.ledger.db, a.contractId)).map((p) => p.status)).toEqual([
        'settled',
        'settled',
      ]);
      expect((await storedPeriods(w.api.ledger.db, held.contractId)).map((p) => p.status)).toEqual([
        'settled',
        'held',
      ]);
      daysBefore = await octoberDays(w, 'ret-a');
    });
    afterAll(async () => {
      await w?.close();
    });

    it('interval consent keeps everything; month consent reduces settled periods only, never a held one', async () => {
      const octoberHeld = await count(w, 'ret-held', OCTOBER);
      const septemberHeld = await count(w, 'ret-held', SEPTEMBER);
      const result = await runRetention(w.deps, OPTS, { actor: 'cron' });
      expect(result).toMatchObject({ meters: 1, failed: 0 });
      expect(Object.keys(result.byMeter)).toEqual(['ret-held']);
      expect(result.removed).toBe(result.byMeter['ret-held']);
      expect(await count(w, 'ret-held', OCTOBER)).toBe(octoberHeld);
      // Month consent with a time-of-use tariff: period edges plus the
      // 06:00 and 22:00 band changes.
      expect(await count(w, 'ret-held', SEPTEMBER)).toBeLessThanOrEqual(2 * (2 + 60));
      expect(septemberHeld - (await count(w, 'ret-held', SEPTEMBER))).toBe(result.removed);
      expect(await expectInvoicesRepriced(w, held.contractId)).toBe(1);
      expect(await count(w, 'ret-a', OCTOBER)).toBe(31 * 96 + 4);
    });

    it('withdrawal to day: settled periods keep day and tariff edges, the open period is untouched, invoices re-price to the cent', async () => {
      await expectCall(w.api, 200, 'PUT', `/v1/contracts/${a.contractId}/consent`, {
        key: a.key,
        body: { granularity: 'day' },
      });
      const november = await count(w, 'ret-a', NOVEMBER);
      const result = await runRetention(w.deps, OPTS, { actor: 'cron' });
      expect(Object.keys(result.byMeter)).toEqual(['ret-a']);
      expect(result.removed).toBeGreaterThan(2 * 30 * 80);
      // October: 31 midnights and 62 band changes at most, each kept with
      // at most its two neighbours.
      expect(await count(w, 'ret-a', OCTOBER)).toBeLessThanOrEqual(2 * (32 + 62));
      expect(await count(w, 'ret-a', NOVEMBER)).toBe(november);
      expect(await expectInvoicesRepriced(w, a.contractId)).toBe(2);
      expect(await octoberDays(w, 'ret-a')).toEqual(daysBefore);
      const audit = (await auditOf(w.api.ledger.db, a.contractId)).filter(
        (x) => x.action === 'retention',
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: 'cron',
        detail: { removed: { 'ret-a': result.removed } },
      });
    });

    it('is idempotent: the next run removes nothing', async () => {
      expect(await runRetention(w.deps, OPTS, { actor: 'cron' })).toEqual({
        meters: 0,
        removed: 0,
        failed: 0,
        byMeter: {},
      });
    });

    it('withdrawal to month: the next run reduces further, and the invoices still re-price exactly', async () => {
      await expectCall(w.api, 200, 'PUT', `/v1/contracts/${a.contractId}/consent`, {
        key: a.key,
        body: { granularity: 'month' },
      });
      const before = await count(w, 'ret-a', OCTOBER);
      const result = await runRetention(w.deps, OPTS, { actor: 'cron' });
      expect(result.byMeter['ret-a']).toBeGreaterThan(0);
      expect(await count(w, 'ret-a', OCTOBER)).toBeLessThan(before);
      expect(await expectInvoicesRepriced(w, a.contractId)).toBe(2);
      // What the consent no longer allows is refused over HTTP too, for staff as for the customer.
      const staff = await w.staffKey();
      const q = `/v1/meters/ret-a/consumption?groupBy=day&from=2026-10-01T00:00:00%2B02:00&to=2026-10-31T00:00:00%2B01:00`;
      expect((await w.api.call('GET', q, { key: staff })).body).toMatchObject({
        code: 'consent_required',
        requiredConsent: 'day',
      });
    });

    it('past the retention window, interval data of settled periods is reduced to days even with interval consent', async () => {
      const c = await w.home('ret-window', { consent: 'interval' });
      await w.readings('ret-window', '2026-08-31T00:00:00Z', '2026-11-10T00:00:00Z');
      await runSettlement(w.deps, w.billing, { actor: 'cron' });
      const october = await count(w, 'ret-window', OCTOBER);
      // One month: September ended more than a month ago, October did not.
      const result = await runRetention(w.deps, { ...OPTS, retentionMonths: 1 }, { actor: 'cron' });
      expect(Object.keys(result.byMeter)).toEqual(['ret-window']);
      expect(await count(w, 'ret-window', SEPTEMBER)).toBeLessThanOrEqual(2 * (31 + 60));
      expect(await count(w, 'ret-window', OCTOBER)).toBe(october);
      expect(await expectInvoicesRepriced(w, c.contractId)).toBe(2);
    });
  });
});
