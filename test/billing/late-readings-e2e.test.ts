import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openLedger } from '../../src/ledger/connect.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { DESIGN_TARIFF } from '../support/design-tariff.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectPublisher } from '../support/publisher.js';

const influxUrl = inject('influxUrl');
const ADMIN = 'e2e-admin-key-0123456789';
const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);
// The instance lives in late November 2026, whatever today is: September and October have ended and
// their grace windows have passed, November is still open.
const NOW = '2026-11-20T00:00:00Z';

/**
 * Late readings end to end on the real services: meters publish over Mosquitto, ingest stores into
 * InfluxDB and records what arrived late, staff settle over HTTP, and a reading that turns up after
 * settlement becomes an adjustment while the settled invoice stays as issued.
 */
describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')(
  'late readings through the pipeline',
  () => {
    let broker: MosquittoHandle;
    let wl: TestInstance;
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${wl.running.httpUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const storedCount = () => wl.metric('wattledger_readings_stored_total');

    beforeAll(async () => {
      broker = await startMosquitto();
      wl = await startInstance({
        MQTT_URL: broker.url,
        INFLUX_URL: influxUrl,
        INFLUX_DB: `late_${process.pid}`,
        MQTT_CLIENT_ID: 'late-e2e',
        ADMIN_API_KEY: ADMIN,
        SETTLE_CRON: 'off',
        CLOCK_START: NOW,
      });
    });
    afterAll(async () => {
      await wl?.stop();
      await broker?.dispose();
    });

    it('settles, then turns a late reading into an adjustment without touching the invoice', async () => {
      const customer = (await api('POST', '/v1/customers', { name: 'Late Lou' })).body;
      const tariff = (await api('POST', '/v1/tariffs', DESIGN_TARIFF)).body;
      const contract = (
        await api('POST', '/v1/contracts', {
          customerId: customer.id,
          tariffId: tariff.id,
          timezone: 'Europe/Paris',
          startsAt: '2026-09-01T00:00:00+02:00',
        })
      ).body;
      expect(
        (
          await api('POST', '/v1/meters', {
            id: 'late-e2e-1',
            contractId: contract.id,
            installedAt: '2026-08-01T00:00:00Z',
          })
        ).status,
      ).toBe(201);

      // Hourly readings at 1 kWh/h from 08-31 to 10-05, silent during the night of
      // 09-10 (18:00Z to 06:00Z).
      const gapFrom = t('2026-09-10T18:00:00Z');
      const gapTo = t('2026-09-11T06:00:00Z');
      const first = t('2026-08-31T00:00:00Z');
      const at = (ts: number) => 1_000_000 + ((ts - first) / H) * 1000;
      const live = [];
      for (let ts = first; ts <= t('2026-10-05T00:00:00Z'); ts += H)
        if (ts <= gapFrom || ts >= gapTo)
          live.push({ ts: new Date(ts).toISOString(), importWh: at(ts) });
      const pub = await connectPublisher(broker.url);
      try {
        for (let i = 0; i < live.length; i += 1000)
          await pub.publish('meters/late-e2e-1/readings', JSON.stringify(live.slice(i, i + 1000)));
        await waitFor('the backlog stored', async () => (await storedCount()) >= live.length);

        const settle = await api('POST', '/v1/billing/settle', {});
        expect(settle.status).toBe(200);
        // September settles; October is held: the meter has said nothing since 10-05.
        expect(settle.body).toMatchObject({ closed: 2, settled: 1, held: 1, failed: 0 });
        const bill = await api(
          'GET',
          `/v1/contracts/${String(contract.id)}/bill?at=2026-09-15T00:00:00Z`,
        );
        expect(bill.body).toMatchObject({ status: 'settled', invoiceNumber: 'INV-2026-000001' });

        // The night's readings arrive now: all 12 kWh of it were used between 20:00Z
        // and 22:00Z (HC in Paris).
        const night = [];
        for (let ts = gapFrom + H; ts < gapTo; ts += H)
          night.push({
            ts: new Date(ts).toISOString(),
            importWh: at(gapFrom) + (ts > gapFrom + 2 * H ? 12_000 : 0),
          });
        const before = await storedCount();
        await pub.publish('meters/late-e2e-1/readings', JSON.stringify(night));
        await waitFor(
          'the late readings stored',
          async () => (await storedCount()) >= before + night.length,
        );
      } finally {
        await pub.close();
      }
      const second = await api('POST', '/v1/billing/settle', {});
      expect(second.body).toMatchObject({ adjusted: 1, notBilled: 0 });
      const again = await api('GET', `/v1/invoices/INV-2026-000001`);
      expect(again.body).toMatchObject({ number: 'INV-2026-000001' });
      const ledger = openLedger(wl.ledgerUrl);
      try {
        const adjustments = await ledger.db.selectFrom('adjustments').selectAll().execute();
        expect(
          adjustments.map((a) => [a.invoice_number, a.reason, a.applied_invoice_number]),
        ).toEqual([['INV-2026-000001', 'late readings', null]]);
      } finally {
        await ledger.close();
      }
    });
  },
);
