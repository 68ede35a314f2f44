import { expect, it } from 'vitest';
import { loadBillingContexts } from '../../src/billing/records/billing-context.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { measuredBill } from '../../src/billing/bills/period-bill.js';
import { readBillMeters } from '../../src/billing/bills/read-meters.js';
import { auditOf } from '../../src/audit/audit-log.js';
import { closeEndedPeriods, moveOut } from '../../src/billing/settlement/close-periods.js';
import { issuePeriodInvoice } from '../../src/billing/settlement/issue-invoice.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import { billingWorld, type BillingWorld, t } from '../support/billing-fixture.js';
import { describeBackBillingCap } from './back-billing-suite.js';
import { describeBackBillingView } from './back-billing-view-suite.js';
import { describeSettlement } from './settlement-suite.js';

describeOnPostgres((url) => {
  describeSettlement('PostgreSQL ledger', async () => billingWorld(await url()));
  describeBackBillingCap('PostgreSQL ledger', async () => billingWorld(await url()));
  describeBackBillingView('PostgreSQL ledger', async () => billingWorld(await url()));

  /** Runners of their own (own pool, own runner id) sharing one ledger and one readings store. */
  async function runners(n: number): Promise<BillingWorld[]> {
    const ledgerUrl = await url();
    const first = await billingWorld(ledgerUrl, 'runner-0');
    const rest = await Promise.all(
      Array.from({ length: n - 1 }, (_, i) =>
        billingWorld(ledgerUrl, `runner-${i + 1}`, first.store),
      ),
    );
    return [first, ...rest];
  }

  it('three runners settling the same month at once: every period settled once, invoice numbers without gaps', async () => {
    const all = await runners(3);
    const [w] = all;
    try {
      const contracts = [];
      for (let i = 0; i < 30; i += 1) {
        contracts.push((await w!.contract('2026-09-01T00:00:00+02:00', [`pg-${i}`])).contractId);
        await w!.readings(`pg-${i}`, '2026-08-31T00:00:00Z', '2026-10-02T00:00:00Z', {
          stepMs: 3_600_000,
          whPerStep: 400 + i,
        });
      }
      for (const x of all) x.clock.set('2026-10-05T00:00:00Z');
      const results = await Promise.all(
        all.map((x) => runSettlement(x.deps, x.opts, { actor: 'cron' })),
      );
      expect(results.reduce((s, r) => s + r.settled, 0)).toBe(30);
      expect(results.reduce((s, r) => s + r.closed, 0)).toBe(30);
      expect(results.reduce((s, r) => s + r.failed + r.held, 0)).toBe(0);
      const invoices = await w!.ledger.db
        .selectFrom('invoices')
        .select(['number', 'seq', 'period_id'])
        .orderBy('seq')
        .execute();
      expect(invoices.map((i) => i.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(new Set(invoices.map((i) => i.period_id)).size).toBe(30);
      for (const c of contracts)
        expect((await storedPeriods(w!.ledger.db, c)).map((p) => p.status)).toEqual(['settled']);
    } finally {
      for (const x of all) await x.ledger.close();
      await w?.store.close();
    }
  });

  it('three runners meeting periods beyond the back-billing cap at once: each held once, audited once, counted once', async () => {
    const all = await runners(3);
    const [w] = all;
    try {
      const contracts = [];
      for (let i = 0; i < 12; i += 1) {
        const { contractId } = await w!.contract('2025-01-01T00:00:00+01:00', [`pg-cap-${i}`]);
        contracts.push(contractId);
        await w!.readings(`pg-cap-${i}`, '2024-12-31T00:00:00Z', '2025-01-25T00:00:00Z', {
          stepMs: 3_600_000,
        });
        w!.clock.set('2025-01-22T00:00:00Z');
        await moveOut(w!.deps, { contractId, at: t('2025-01-20T23:00:00Z'), actor: 'key:s' });
      }
      for (const x of all) x.clock.set('2026-06-01T00:00:00Z');
      const results = await Promise.all(
        all.map((x) => runSettlement(x.deps, x.opts, { actor: x.opts.runnerId })),
      );
      expect(results.reduce((s, r) => s + r.notBilled, 0)).toBe(12);
      expect(results.reduce((s, r) => s + r.settled + r.held + r.failed, 0)).toBe(0);
      for (const c of contracts) {
        expect((await storedPeriods(w!.ledger.db, c)).map((p) => p.holdReason)).toEqual([
          'back_billing_cap',
        ]);
        expect((await auditOf(w!.ledger.db, c)).filter((a) => a.action === 'hold')).toHaveLength(1);
      }
      expect(await w!.ledger.db.selectFrom('invoices').selectAll().execute()).toEqual([]);
    } finally {
      for (const x of all) await x.ledger.close();
      await w?.store.close();
    }
  });

  it('two transactions settling one period at once (leases bypassed): one invoice, and the next number follows without a gap', async () => {
    const all = await runners(2);
    const [a, b] = all;
    try {
      const one = await a!.contract('2026-09-01T00:00:00+02:00', ['race-1']);
      const two = await a!.contract('2026-09-01T00:00:00+02:00', ['race-2']);
      for (const m of ['race-1', 'race-2'])
        await a!.readings(m, '2026-08-31T00:00:00Z', '2026-10-02T00:00:00Z', { stepMs: 3_600_000 });
      for (const x of all) x.clock.set('2026-10-05T00:00:00Z');
      await closeEndedPeriods(a!.deps, { at: a!.clock.now(), actor: 'cron' });
      const contexts = await loadBillingContexts(a!.ledger.db);
      const settleDirect = async (x: BillingWorld, contractId: string) => {
        const ctx = contexts.get(contractId)!;
        const [period] = await storedPeriods(x.ledger.db, contractId);
        const meters = (
          await readBillMeters(x.store, [
            { key: 'k', meterIds: ctx.meterIds, from: period!.start, to: period!.end },
          ])
        ).get('k')!;
        const bill = measuredBill({
          tariff: ctx.tariff,
          tz: ctx.timezone,
          period: period!,
          meters,
        });
        return issuePeriodInvoice(x.deps, {
          ctx,
          period: period!,
          bill,
          forced: false,
          actor: x.opts.runnerId,
          now: x.clock.now(),
        });
      };
      const outcomes = await Promise.all([
        settleDirect(a!, one.contractId),
        settleDirect(b!, one.contractId),
      ]);
      expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
      expect((await settleDirect(b!, two.contractId))?.number).toBe('INV-2026-000002');
      const numbers = await a!.ledger.db
        .selectFrom('invoices')
        .select('number')
        .orderBy('number')
        .execute();
      expect(numbers.map((n) => n.number)).toEqual(['INV-2026-000001', 'INV-2026-000002']);
    } finally {
      for (const x of all) await x.ledger.close();
      await a?.store.close();
    }
  });
});
