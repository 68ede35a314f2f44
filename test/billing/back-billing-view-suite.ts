import { describe, expect, it } from 'vitest';
import { contractBill } from '../../src/billing/bill-view.js';
import { billingSummary } from '../../src/billing/billing-summary.js';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { moveOut } from '../../src/billing/settlement/close-periods.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { Dec } from '../../src/billing/pricing/decimal.js';
import { type BillingWorld, HOUR, t } from '../support/billing-fixture.js';

const ALL = { all: true } as const;
const CAP_NOTE = ' (back-billing cap: from 2025-03-15 13:00)';

/**
 * Bills and the billing summary of periods the back-billing cap reaches (docs/billing.md), with an
 * injected clock, on a real ledger (`open` gives SQLite or PostgreSQL) and the real embedded
 * readings store. Three households of March 2025 in Paris at a steady 1 kW, seen 14 months and a
 * bit later, when the cap starts at 13:00 local on 15 March: one moved out on the 10th (before the
 * cap), two on the 22nd (straddling it), one of which fell silent on the 20th.
 */
export function describeBackBillingView(name: string, open: () => Promise<BillingWorld>): void {
  describe(`bills beyond and across the back-billing cap (${name})`, () => {
    it('a period beyond the cap bills nothing, before and after a run holds it; one straddling it bills its part from the cap; the summary adds nothing to held money', async () => {
      const w = await open();
      try {
        const deps = { ...w.deps, billing: w.opts };
        const home = async (meterId: string, lastReading: string, movedOut: string) => {
          const { contractId } = await w.contract('2025-03-01T00:00:00+01:00', [meterId]);
          await w.readings(meterId, '2025-02-28T00:00:00Z', lastReading, {
            stepMs: HOUR,
            whPerStep: 1000,
          });
          w.clock.set('2025-03-24T00:00:00Z');
          await moveOut(w.deps, { contractId, at: t(movedOut), actor: 'key:s' });
          return contractId;
        };
        const beyond = await home('view-beyond', '2025-03-12T00:00:00Z', '2025-03-09T23:00:00Z');
        const across = await home('view-across', '2025-03-23T00:00:00Z', '2025-03-21T23:00:00Z');
        const silent = await home('view-silent', '2025-03-20T00:00:00Z', '2025-03-21T23:00:00Z');
        const at = t('2025-03-05T00:00:00Z');

        // Before any run: every period is closed, and the cap starts at 2025-03-15T12:00Z.
        w.clock.set('2026-05-15T12:00:00Z');
        const nothing = {
          contractId: beyond,
          period: { start: t('2025-02-28T23:00:00Z'), end: t('2025-03-09T23:00:00Z') },
          status: 'held',
          currency: 'EUR',
          lines: [],
          subtotal: '0.00',
          total: '0.00',
          basis: { measuredImportWh: 0, projectedImportWh: 0, asOf: null, method: 'measured' },
          holdReason: 'back_billing_cap',
        };
        expect((await storedPeriods(w.ledger.db, beyond))[0]?.status).toBe('closed');
        // No run will ever invoice it: it says so already, with nothing to bill.
        expect(await contractBill(deps, ALL, beyond, at)).toEqual(nothing);
        const provisional = await contractBill(deps, ALL, across, at);
        expect(provisional).toMatchObject({
          status: 'provisional',
          // The bill is the period's; what it prices is the part from the cap.
          period: { start: t('2025-02-28T23:00:00Z'), end: t('2025-03-21T23:00:00Z') },
          subtotal: '36.43',
          total: '43.72',
          basis: { measuredImportWh: 155_000, method: 'measured' },
        });
        expect(provisional.lines.map((l) => l.description)).toEqual([
          `Energy HP 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`,
          `Energy HC 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`,
          `Standing charge 2025-03-15 13:00 – 2025-03-21 (6.4583 days)${CAP_NOTE}`,
          `Excise 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`,
          'VAT 20 %',
        ]);
        const silentBefore = await contractBill(deps, ALL, silent, at);
        expect(silentBefore).toMatchObject({ status: 'provisional' });
        const summary = async () =>
          (await billingSummary(deps, '2025-03')).items.map((i) => [i.status, i.count, i.total]);
        expect(await summary()).toEqual([
          ['provisional', 2, new Dec('43.72').plus(silentBefore.total).toFixed(2)],
          ['held', 1, '0.00'],
        ]);

        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          settled: 1,
          held: 1,
          notBilled: 1,
          failed: 0,
        });
        // Held for good now, and billed the same: nothing.
        expect((await storedPeriods(w.ledger.db, beyond))[0]).toMatchObject({
          status: 'held',
          holdReason: 'back_billing_cap',
        });
        expect(await contractBill(deps, ALL, beyond, at)).toEqual(nothing);
        // The provisional bill was what the invoice says, line for line.
        const [invoice] = await invoicesOf(w.ledger.db, across);
        expect(invoice?.lines).toEqual(provisional.lines);
        expect(await contractBill(deps, ALL, across, at)).toMatchObject({
          status: 'settled',
          total: '43.72',
          invoiceNumber: invoice?.number,
        });
        // Held for want of an end reading: measured from the cap to its latest reading only,
        // 15 March 12:00Z to 20 March 00:00Z, 108 kWh; the lines say where it starts.
        const held = await contractBill(deps, ALL, silent, at);
        expect(held).toMatchObject({
          status: 'held',
          holdReason: expect.stringMatching(/no reading at or after the period end/),
          total: silentBefore.total,
          basis: { measuredImportWh: 108_000, asOf: '2025-03-20T00:00:00Z' },
        });
        expect(held.lines.filter((l) => !l.description.endsWith(CAP_NOTE))).toMatchObject([
          { description: 'VAT 20 %' },
        ]);
        // Held money that may still be billed is the silent household's only.
        expect(await summary()).toEqual([
          ['settled', 1, '43.72'],
          ['held', 2, held.total],
        ]);
      } finally {
        await w.close();
      }
    });
  });
}
