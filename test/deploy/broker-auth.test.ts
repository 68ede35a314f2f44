import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { haveMosquitto } from '../harness/services.js';
import { spawnWattledger, type ChildInstance } from '../support/child-instance.js';
import { readMetric, registerMeters, tempDir } from '../support/instance.js';
import { runCli } from '../support/run-cli.js';
import { makeTestCerts, type TestCerts } from '../support/tls-certs.js';

const METERS = ['acl-1', 'acl-2'];
const SECRET = 'broker-auth-test-secret-0123456789abcdef';
const INGEST = { username: 'wl-ingest', password: 'ingest-password-123' };
const NOT_AUTHORIZED = 0x87;

describe.skipIf(!haveMosquitto())(
  'generated Mosquitto password and ACL files, over TLS (real Mosquitto)',
  () => {
    const tmp = tempDir('wl-broker-auth-');
    const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
    const clients: MqttClient[] = [];
    let broker: MosquittoHandle;
    let certs: TestCerts;
    let passwords: Map<string, string>;

    const connect = async (username: string, password: string, extra: IClientOptions = {}) => {
      const c = await mqtt.connectAsync(broker.url, {
        username,
        password,
        protocolVersion: 5,
        reconnectPeriod: 0,
        ca: readFileSync(certs.caFile),
        ...extra,
      });
      clients.push(c);
      return c;
    };
    const meter = (id: string) => connect(id, passwords.get(id) ?? '');

    beforeAll(async () => {
      await registerMeters(ledgerUrl, METERS);
      const out = path.join(tmp.dir, 'auth');
      const csv = path.join(tmp.dir, 'meters.csv');
      const res = await runCli(['broker-auth', '--out-dir', out, '--passwords-csv', csv], {
        DATABASE_URL: ledgerUrl,
        METER_PASSWORD_SECRET: SECRET,
        MQTT_USERNAME: INGEST.username,
        MQTT_PASSWORD: INGEST.password,
      });
      expect(res, res.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(res.stdout)).toMatchObject({ logins: 2, deviceLogins: 0 });
      passwords = new Map(
        readFileSync(csv, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',') as [string, string]),
      );
      certs = makeTestCerts(tmp.dir);
      broker = await startMosquitto({
        auth: { passwordFile: path.join(out, 'passwd'), aclFile: path.join(out, 'acl') },
        tls: certs,
      });
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await broker?.dispose();
      tmp.cleanup();
    });

    it('refuses a wrong password, an unknown user and anonymous clients with CONNACK "not authorized"', async () => {
      const refused = (username: string | undefined, password: string | undefined) =>
        connect(username as string, password as string).then(
          () => 'accepted',
          (e: { code?: number }) => e.code,
        );
      expect(await refused('acl-1', 'not-the-password')).toBe(NOT_AUTHORIZED);
      expect(await refused('acl-1', passwords.get('acl-2'))).toBe(NOT_AUTHORIZED);
      expect(await refused('acl-9', passwords.get('acl-1'))).toBe(NOT_AUTHORIZED);
      expect(await refused(undefined, undefined)).toBe(NOT_AUTHORIZED);
    });

    it("lets a meter publish to its own topic and refuses another meter's topic with PUBACK 0x87", async () => {
      const m1 = await meter('acl-1');
      // mqtt.js resolves a QoS 1 publish on a successful PUBACK and rejects
      // on a reason code >= 0x80.
      await expect(
        m1.publishAsync('meters/acl-1/readings', '{"ts":0,"importWh":1}', { qos: 1 }),
      ).resolves.toBeDefined();
      const other = await m1
        .publishAsync('meters/acl-2/readings', '{"ts":0,"importWh":1}', { qos: 1 })
        .then(
          () => 'accepted',
          (e: { code?: number }) => e.code,
        );
      expect(other).toBe(NOT_AUTHORIZED);
      // The ingest account reads, it does not write.
      const ingest = await connect(INGEST.username, INGEST.password);
      expect(
        await ingest.publishAsync('meters/acl-1/readings', 'x', { qos: 1 }).then(
          () => 'accepted',
          (e: { code?: number }) => e.code,
        ),
      ).toBe(NOT_AUTHORIZED);
    });

    it("the ingest account receives a meter's readings through the shared subscription", async () => {
      const ingest = await connect(INGEST.username, INGEST.password);
      // Its own group: the ingest process of the next test must not share its
      // messages with this probe.
      const granted = await ingest.subscribeAsync('$share/probe/meters/+/readings', { qos: 1 });
      expect(granted[0]?.qos).toBe(1);
      const got: string[] = [];
      ingest.on('message', (topic) => got.push(topic));
      await (
        await meter('acl-2')
      ).publishAsync('meters/acl-2/readings', '{"ts":0,"importWh":1}', { qos: 1 });
      await waitFor(
        'the shared subscriber to receive',
        () => got.includes('meters/acl-2/readings'),
        { timeoutMs: 10_000 },
      );
      await ingest.endAsync();
    });

    it('an ingest process (--role ingest, mqtts:// with MQTT_CA_FILE) stores what a meter sends with its generated password', async () => {
      let wl: ChildInstance | undefined;
      try {
        wl = await spawnWattledger(
          {
            ROLE: 'ingest',
            MQTT_URL: broker.url,
            MQTT_CA_FILE: certs.caFile,
            MQTT_USERNAME: INGEST.username,
            MQTT_PASSWORD: INGEST.password,
            MQTT_SHARE_GROUP: 'wattledger',
            MQTT_CLIENT_ID: 'tls-ingest',
            DATABASE_URL: ledgerUrl,
            DATA_DIR: path.join(tmp.dir, 'ingest'),
            FLUSH_LINGER_MS: '20',
          },
          path.join(tmp.dir, 'ingest.log'),
        );
        const ready = (await (await fetch(`${wl.httpUrl}/readyz`)).json()) as {
          checks: Record<string, unknown>;
        };
        expect(Object.keys(ready.checks).sort()).toEqual(['broker', 'ledger', 'store']);
        const m1 = await meter('acl-1');
        await m1.publishAsync(
          'meters/acl-1/readings',
          JSON.stringify({ ts: new Date(Date.now() - 60_000).toISOString(), importWh: 42 }),
          { qos: 1 },
        );
        const url = wl.httpUrl;
        await waitFor(
          'the reading stored',
          async () => (await readMetric(url, 'wattledger_readings_stored_total')) >= 1,
          { timeoutMs: 30_000 },
        );
      } finally {
        await wl?.process.stop();
      }
      expect(await wl?.process.exited).toEqual({ code: 0, signal: null });
    }, 120_000);
  },
);

describe('wattledger broker-auth refuses to run without its secrets', () => {
  it('names the missing or weak secret and writes nothing', async () => {
    const tmp = tempDir('wl-broker-auth-bad-');
    try {
      const env = {
        DATABASE_URL: `sqlite:${path.join(tmp.dir, 'ledger.db')}`,
        MQTT_PASSWORD: 'x',
        METER_PASSWORD_SECRET: '',
      };
      const out = path.join(tmp.dir, 'auth');
      const missing = await runCli(['broker-auth', '--out-dir', out], env);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/--meter-secret/);
      const weak = await runCli(['broker-auth', '--out-dir', out], {
        ...env,
        METER_PASSWORD_SECRET: 'too-short',
      });
      expect(weak.code).not.toBe(0);
      expect(weak.stderr).toMatch(/METER_PASSWORD_SECRET must be at least 32 characters/);
      expect(existsSync(out)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
