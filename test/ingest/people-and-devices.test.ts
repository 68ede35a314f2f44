import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import path from 'node:path';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectPublisher, TEST_METER_SECRET, type TestPublisher } from '../support/publisher.js';

const ADMIN = 'people-devices-admin-key-0123456789';
const MIN = 60_000;

describe('a reading a person entered, then the device again (one ingest process)', () => {
  let wl: TestInstance;
  let store: ReadingStore;
  let pub: TestPublisher;
  const t0 = Math.floor(Date.now() / (15 * MIN)) * 15 * MIN - 60 * MIN;
  const reading = (ts: number, importWh: number) =>
    JSON.stringify({ ts: new Date(ts).toISOString(), importWh });

  beforeAll(async () => {
    wl = await startInstance({ ADMIN_API_KEY: ADMIN }, ['pd-1']);
    store = createReadingStore({ influxDb: '', sqlitePath: path.join(wl.dataDir, 'readings.db') });
    await store.init();
    pub = await connectPublisher(wl.running.mqttUrl, undefined, TEST_METER_SECRET);
  });
  afterAll(async () => {
    await pub?.close();
    await store?.close();
    await wl?.stop();
  });

  it('checks the device against the person’s reading, not the one ingest remembered', async () => {
    await pub.publish('meters/pd-1/readings', reading(t0, 1000));
    await waitFor('the first device reading', async () => (await store.latest('pd-1'))?.ts === t0);
    const res = await fetch(`${wl.running.httpUrl}/v1/meters/pd-1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ts: new Date(t0 + 15 * MIN).toISOString(), importWh: 5000 }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    // Below the staff's 5,000 Wh: a decrease, although above what ingest last stored itself.
    await pub.publish('meters/pd-1/readings', reading(t0 + 30 * MIN, 2000));
    const ledger = openLedger(wl.ledgerUrl);
    try {
      await waitFor('the rejection', async () =>
        (await listRejections(ledger.db, { limit: 10 })).items.some(
          (r) => r.meterId === 'pd-1' && r.reason === 'register_decrease',
        ),
      );
    } finally {
      await ledger.close();
    }
    expect((await store.latest('pd-1'))?.importWh).toBe(5000);
  });
});
