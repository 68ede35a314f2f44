import { strFromU8, unzipSync } from 'fflate';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../src/readings/reading.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { measuredNodeArgs, measuredNodeEnv } from '../../bench/node-runtime.js';
import { spawnWattledger, type ChildInstance } from '../support/child-instance.js';
import { tempDir } from '../support/instance.js';

const ADMIN = 'large-contract-admin-key-0123456789';
const METERS = 400;
const Q = 900_000;
// October 2026 in Paris, with a quarter hour either side: every meter's end index is known.
const FROM = Date.parse('2026-09-30T21:45:00Z');
const TO = Date.parse('2026-11-01T00:15:00Z');
// The instance lives in late November 2026, whatever today is: October has ended and its grace
// window has passed, November is still open.
const NOW = '2026-11-20T00:00:00Z';
const ids = Array.from({ length: METERS }, (_, i) => `large-${String(i).padStart(3, '0')}`);
/** Each meter uses (90 + m % 3) Wh a quarter hour, so the contract's month is known exactly. */
const perQuarter = (m: number) => 90 + (m % 3);

/**
 * A contract of 400 meters (a building, a fleet of sub-meters) in a process with the heap
 * `npm start` gives it (128 MB): its month of readings (1.2 million) does not fit there, so bills,
 * settlement and the customer's export must take the meters a few at a time. Before they did, each
 * of them ran the process out of memory.
 */
describe('a contract with hundreds of meters, in a 128 MB heap', () => {
  const tmp = tempDir('wl-large-');
  let wl: ChildInstance;
  let contractId: string;
  let customerId: string;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${wl.httpUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const store = createSqliteStore({ path: path.join(tmp.dir, 'readings.db') });
    await store.init();
    for (const [m, meterId] of ids.entries()) {
      const batch: Reading[] = [];
      for (let ts = FROM, i = 0; ts <= TO; ts += Q, i += 1)
        batch.push({
          meterId,
          ts,
          importWh: 1_000 * m + i * perQuarter(m),
          exportWh: 0,
          receivedAt: ts,
        });
      await store.writeBatch(batch);
    }
    await store.close();
    wl = await spawnWattledger(
      {
        ...measuredNodeEnv(),
        DATA_DIR: tmp.dir,
        ADMIN_API_KEY: ADMIN,
        SETTLE_CRON: 'off',
        RETENTION_CRON: 'off',
        MQTT_PORT: '0',
        CLOCK_START: NOW,
      },
      path.join(tmp.dir, 'wattledger.log'),
      { nodeArgs: measuredNodeArgs() },
    );
    const customer = await call('POST', '/v1/customers', { name: 'Résidence des Lilas' });
    const tariff = await call('POST', '/v1/tariffs', {
      name: 'Flat',
      currency: 'EUR',
      versions: [
        {
          validFrom: '2026-01-01T00:00:00Z',
          standingChargePerDay: '0.50',
          energy: { type: 'flat', rate: '0.2000' },
          taxes: [],
        },
      ],
    });
    const contract = await call('POST', '/v1/contracts', {
      customerId: customer.body.id,
      tariffId: tariff.body.id,
      timezone: 'Europe/Paris',
      startsAt: '2026-10-01T00:00:00+02:00',
    });
    contractId = String(contract.body.id);
    customerId = String(customer.body.id);
    for (const id of ids)
      expect(
        (await call('POST', '/v1/meters', { id, contractId, installedAt: '2026-09-01T00:00:00Z' }))
          .status,
      ).toBe(201);
  }, 300_000);
  afterAll(async () => {
    await wl?.process.stop();
    tmp.cleanup();
  });

  // October has 2,980 quarter hours in Paris (the 25-hour day).
  const kwh = ids.reduce((a, _, m) => a + 2_980 * perQuarter(m), 0) / 1000;

  it('prices the provisional bill of all its meters', async () => {
    const bill = await call('GET', `/v1/contracts/${contractId}/bill?at=2026-10-15T12:00:00Z`);
    expect(bill.status, JSON.stringify(bill.body).slice(0, 300)).toBe(200);
    expect(bill.body).toMatchObject({
      status: 'provisional',
      basis: { measuredImportWh: kwh * 1000, method: 'measured' },
    });
    expect(bill.body.lines).toContainEqual(
      expect.objectContaining({
        kind: 'energy',
        quantity: kwh.toFixed(3),
        amount: (kwh * 0.2).toFixed(2),
      }),
    );
  }, 120_000);

  it("exports the customer's data, a month of consumption per meter", async () => {
    const key = await call('POST', '/v1/api-keys', { role: 'customer', customerId });
    const res = await fetch(`${wl.httpUrl}/v1/customers/me/export`, {
      headers: { authorization: `Bearer ${String(key.body.key)}` },
    });
    expect(res.status).toBe(200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const csv = strFromU8(files['readings.csv']!).trim().split('\n');
    // One line per meter and month (the default consent is `month`): October, and November so far.
    const october = csv.filter((l) =>
      l.includes(',month,2026-09-30T22:00:00Z,2026-10-31T23:00:00Z,'),
    );
    expect(october).toHaveLength(METERS);
    expect(csv).toHaveLength(1 + 2 * METERS);
    october.forEach((l, m) =>
      expect(l).toBe(
        `${ids[m]},${contractId},month,2026-09-30T22:00:00Z,2026-10-31T23:00:00Z,${2_980 * perQuarter(m)},0,measured`,
      ),
    );
  }, 120_000);

  it('settles it, and the process lives on', async () => {
    const settled = await call('POST', '/v1/billing/settle', { contractId });
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body).toMatchObject({ settled: 1, held: 0, failed: 0 });
    const bill = await call('GET', `/v1/contracts/${contractId}/bill?at=2026-10-15T12:00:00Z`);
    expect(bill.body).toMatchObject({
      status: 'settled',
      total: (kwh * 0.2 + 31 * 0.5).toFixed(2),
    });
    expect(wl.process.running()).toBe(true);
  }, 180_000);
});
