import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before
// billing builds its schemas.
import { type Home, onBothSetups, type PrivacyWorld, storedTs, t } from './privacy-world.js';
import { invoicesOf, type Invoice } from '../../src/billing/records/invoices-repo.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { readingChangesOf } from '../../src/ingest/reading-changes-of.js';
import { runRetention } from '../../src/privacy/retention/run-retention.js';
import { lateSpans } from '../../src/readings/changes/late-readings.js';
import { recordReadingChanges } from '../../src/readings/changes/reading-changes.js';
import type { Reading } from '../../src/readings/reading.js';
import { expectCall } from '../api/fleet-fixtures.js';

const Q = 900_000;
// September 2026 in Paris, moved out on the 25th at local midnight.
const PERIOD = { start: t('2026-08-31T22:00:00Z'), end: t('2026-09-24T22:00:00Z') };
// Settled 14 months and a bit later: the cap starts at 13:00 local on 15 September, no band edge.
const SETTLED_AT = '2027-11-15T11:00:00Z';
const CUT = t('2026-09-15T11:00:00Z');
// A silent night inside the billed part, 20:00 to 06:00 local, across the 22:00 band change.
const GAP = { from: t('2026-09-20T18:00:00Z'), to: t('2026-09-21T04:00:00Z') };

/**
 * A household every 15 minutes: more at night than by day, a morning peak, noise, and now and then
 * a reading off the quarter hour, so that an interpolated index is never the real one by chance.
 */
function household(meterId: string): Reading[] {
  const out: Reading[] = [];
  let wh = 3_000_000;
  for (let ts = t('2026-08-31T00:00:00Z'), i = 0; ts <= t('2026-10-02T00:00:00Z'); ts += Q, i++) {
    const hour = new Date(ts).getUTCHours();
    wh += (hour >= 20 || hour < 5 ? 310 : 80) + (hour === 6 ? 600 : 0) + ((i * 7919) % 67);
    out.push({ meterId, ts: i % 13 === 7 ? ts + 6 * 60_000 : ts, importWh: wh, receivedAt: ts });
  }
  return out;
}

const inGap = (r: Reading) => r.ts > GAP.from && r.ts < GAP.to;

/** An invoice's lines, its own number and the invoice it adjusts written the same for any contract. */
const linesOf = (i: Invoice | undefined) =>
  i?.lines.map((l) => ({
    ...l,
    description: l.description.replace(/INV-\d{4}-\d{6}/g, 'INV-…'),
    adjusts: l.adjusts === undefined ? undefined : 'INV-…',
  }));

onBothSetups((setup, open) => {
  describe(`retention of a period the back-billing cap cut (${setup})`, () => {
    let w: PrivacyWorld;
    let thinned: Home;
    let kept: Home;

    beforeAll(async () => {
      w = await open();
      // Twins with the same readings: one with `month` consent, reduced by retention; one with
      // `interval` consent inside the retention window, which keeps every reading.
      thinned = await w.home('cut-month');
      kept = await w.home('cut-interval', { consent: 'interval' });
      for (const h of [thinned, kept])
        await w.api.store.writeBatch(household(h.meterId).filter((r) => !inGap(r)));
      w.clock.set('2026-09-26T00:00:00Z');
      for (const h of [thinned, kept])
        await expectCall(w.api, 200, 'POST', '/v1/billing/close', {
          body: { contractId: h.contractId, at: '2026-09-25T00:00:00+02:00' },
        });
    });
    afterAll(async () => {
      await w?.close();
    });

    it('a late reading inside the billed part gives exactly the adjustment it gives without retention', async () => {
      w.clock.set(SETTLED_AT);
      expect(await runSettlement(w.deps, w.billing, { actor: 'cron' })).toMatchObject({
        settled: 2,
        held: 0,
        notBilled: 0,
      });
      const [cut] = await invoicesOf(w.api.ledger.db, thinned.contractId);
      const [twin] = await invoicesOf(w.api.ledger.db, kept.contractId);
      expect(cut?.period).toEqual({ start: CUT, end: PERIOD.end });
      expect(linesOf(cut)).toEqual(linesOf(twin));

      const before = await storedTs(w.api.store, thinned.meterId, PERIOD.start, PERIOD.end);
      const result = await runRetention(
        w.deps,
        { retentionMonths: 120, backBillingMonths: 14 },
        { actor: 'cron' },
      );
      expect(Object.keys(result.byMeter)).toEqual([thinned.meterId]);
      const after = await storedTs(w.api.store, thinned.meterId, PERIOD.start, PERIOD.end);
      expect(after.length).toBeLessThan(before.length / 10);
      // The index where the invoice starts still rests on real readings: the one at 11:00Z.
      expect(after).toContain(CUT);
      // Before the cut nothing is priced again: only the readings around the period start stay.
      expect(after.filter((ts) => ts > PERIOD.start + Q && ts < CUT - Q)).toEqual([]);

      // The silent night arrives late, on both meters.
      w.clock.set('2027-11-15T12:00:00Z');
      for (const h of [thinned, kept]) {
        const night = household(h.meterId)
          .filter(inGap)
          .map((r) => ({ ...r, receivedAt: w.clock.now() }));
        await w.api.store.writeBatch(night);
        await recordReadingChanges(
          w.api.ledger.db,
          readingChangesOf(night, lateSpans(night, w.clock.now()), new Map(), w.clock.now()),
          w.clock.now(),
        );
      }
      expect(await runSettlement(w.deps, w.billing, { actor: 'cron' })).toMatchObject({
        adjusted: 2,
        notBilled: 0,
        failed: 0,
      });
      // Both contracts have ended: each adjustment is an invoice of its own, and they are the same.
      const [extra] = await invoicesOf(w.api.ledger.db, thinned.contractId);
      const [extraTwin] = await invoicesOf(w.api.ledger.db, kept.contractId);
      expect(extra?.kind).toBe('adjustment');
      expect(extraTwin?.kind).toBe('adjustment');
      expect(extra?.lines.length).toBeGreaterThan(0);
      expect(linesOf(extra)).toEqual(linesOf(extraTwin));
      expect(extra?.total).toBe(extraTwin?.total);
    });
  });
});
