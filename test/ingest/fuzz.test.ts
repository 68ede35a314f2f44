import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { connectPublisher, readingSeries, type TestPublisher } from '../support/publisher.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { REJECTION_REASONS } from '../../src/ingest/rejection.js';
import { parseMessage } from '../../src/ingest/payload.js';
import { adversarialCorpus, nestedArray, type AdversarialMessage } from './adversarial-payloads.js';

/** Fixed, so every run throws the same messages; bounded, so the suite stays well under a minute. */
const SEED = 20261129;
const FUZZED = 150;
const HEALTHY = 40;
const FUZZ_METER = 'fz-1';
const HEALTHY_METER = 'ok-1';
const deadline = { timeoutMs: 120_000 };
const TEST_TIMEOUT_MS = 300_000;

/** The corpus, plus the attacker's probe and a payload near the size limit. */
function messages(): AdversarialMessage[] {
  const topic = `meters/${FUZZ_METER}/readings`;
  return [
    { kind: 'probe: 5,000-deep array', topic, payload: Buffer.from(nestedArray(5_000)) },
    { kind: 'probe: 100,000-deep array', topic, payload: Buffer.from(nestedArray(100_000)) },
    { kind: 'empty topic level', topic: 'meters//readings', payload: Buffer.from('{}') },
    { kind: 'below the topic', topic: `${topic}/extra`, payload: Buffer.from('{}') },
    { kind: 'huge', topic, payload: Buffer.alloc(900 * 1024, '[') },
    ...adversarialCorpus(FUZZ_METER, FUZZED, SEED),
  ];
}

const modes = [
  { name: 'the embedded broker', external: false },
  { name: 'Mosquitto and InfluxDB', external: true },
] as const;

describe.each(modes)('fuzzed messages on $name', ({ name, external }) => {
  const skip = external && (inject('influxUrl') === '' || inject('mqttUrl') === '');
  let broker: MosquittoHandle | undefined;
  let wl: TestInstance;
  let attacker: TestPublisher;
  let meter: TestPublisher;
  beforeAll(async () => {
    if (skip) return;
    if (external) broker = await startMosquitto();
    const env: Record<string, string> =
      broker === undefined
        ? // Fuzzing ingest, not the ACL: the attacker sends to any topic, as on an open broker.
          { MQTT_ALLOW_ANONYMOUS: 'true' }
        : {
            MQTT_URL: broker.url,
            INFLUX_URL: inject('influxUrl'),
            INFLUX_DB: `fuzz_${process.pid}`,
            MQTT_CLIENT_ID: 'fuzz-ingest',
          };
    wl = await startInstance(env, [FUZZ_METER, HEALTHY_METER]);
    attacker = await connectPublisher(wl.running.mqttUrl);
    meter = await connectPublisher(wl.running.mqttUrl);
  });
  afterAll(async () => {
    await attacker?.close();
    await meter?.close();
    await wl?.stop();
    await broker?.dispose();
  });

  const ready = async () => (await fetch(`${wl.running.httpUrl}/readyz`)).status === 200;

  it.skipIf(skip)(
    'rejects every fuzzed message with a reason while a healthy meter is stored',
    async () => {
      const fuzzed = messages();
      // Each message is built to end as one rejection (a valid reading of an unknown meter
      // included): checked on the pure parser first, so a count mismatch below is ingest's fault.
      for (const m of fuzzed) {
        const res = parseMessage(m.topic, m.payload, Date.now());
        expect(res.readings.length + res.rejections.length, m.kind).toBe(1);
      }
      const healthy = readingSeries([HEALTHY_METER], HEALTHY, Date.now() - 3_600_000);
      const [acked] = await Promise.all([
        meter.publishReadings(healthy, { window: 5 }),
        (async () => {
          for (const m of fuzzed) await attacker.publish(m.topic, m.payload);
        })(),
      ]);
      expect(acked).toHaveLength(HEALTHY);

      await waitFor(
        'every fuzzed message rejected',
        async () => (await wl.metric('wattledger_ingest_rejections_total')) >= fuzzed.length,
        deadline,
      );
      await waitFor(
        'every healthy reading stored',
        async () => (await wl.metric('wattledger_readings_stored_total')) >= HEALTHY,
        deadline,
      );
      await waitFor('ingest ready', ready, deadline);

      const byReason: Record<string, number> = {};
      for (const reason of REJECTION_REASONS) {
        const n = await wl.metric('wattledger_ingest_rejections_total', { reason });
        if (n > 0) byReason[reason] = n;
      }
      const byKind: Record<string, number> = {};
      for (const m of fuzzed) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
      console.log(
        `fuzz on ${name}: ${fuzzed.length} messages, ${HEALTHY} healthy readings\n` +
          `  rejections by reason ${JSON.stringify(byReason)}\n` +
          `  messages by kind ${JSON.stringify(byKind)}`,
      );
      expect(await wl.metric('wattledger_ingest_rejections_total')).toBe(fuzzed.length);
      expect(await wl.metric('wattledger_readings_stored_total')).toBe(HEALTHY);
      expect(byReason.internal_error).toBeUndefined();
      expect(Object.keys(byReason).sort()).toEqual(
        ['invalid_json', 'invalid_schema', 'invalid_topic', 'unknown_meter'].sort(),
      );
      expect(await ready()).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it.skipIf(skip)(
    'acknowledges and rejects the 5,000-deep nested array probe',
    async () => {
      const before = await wl.metric('wattledger_ingest_rejections_total', {
        reason: 'invalid_schema',
      });
      // Resolves only on PUBACK: the connection survived and the broker will not redeliver it.
      await attacker.publish(`meters/${FUZZ_METER}/readings`, nestedArray(5_000));
      await waitFor(
        'the probe rejected',
        async () =>
          (await wl.metric('wattledger_ingest_rejections_total', { reason: 'invalid_schema' })) >
          before,
        deadline,
      );
      expect(await ready()).toBe(true);
      const [stored] = await meter.publishReadings(
        readingSeries([HEALTHY_METER], 1, Date.now() - 60_000, 10_000),
      );
      expect(stored).toBeDefined();
      await waitFor(
        'a later reading stored',
        async () => (await wl.metric('wattledger_readings_stored_total')) >= HEALTHY + 1,
        deadline,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
