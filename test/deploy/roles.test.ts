import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { startInstance, type TestInstance } from '../support/instance.js';

interface Ready {
  status: string;
  checks: Record<string, { ok: boolean }>;
}

describe('configuration of roles', () => {
  it('defaults to all; ROLE or --role picks one, the option winning over the environment', () => {
    expect(parseConfig({}).ROLE).toBe('all');
    expect(parseConfig({ ROLE: 'jobs' }).ROLE).toBe('jobs');
    expect(parseConfig({ ROLE: 'jobs' }, { ROLE: 'api' }).ROLE).toBe('api');
    expect(parseConfig({ ROLE: 'jobs' }, { ROLE: undefined }).ROLE).toBe('jobs');
    expect(() => parseConfig({ ROLE: 'worker' })).toThrow(/ROLE/);
  });

  it('keeps the embedded broker, the simulator and the automatic demo to ROLE=all', () => {
    expect(parseConfig({})).toMatchObject({ embeddedBroker: true, demo: true, simulator: true });
    expect(parseConfig({ ROLE: 'api' })).toMatchObject({
      embeddedBroker: false,
      demo: false,
      simulator: false,
    });
    expect(parseConfig({ ROLE: 'api', DEMO: 'on', SIMULATOR: 'on' })).toMatchObject({
      demo: true,
      simulator: false,
    });
    expect(parseConfig({ ROLE: 'jobs', DEMO: 'on' })).toMatchObject({
      embeddedBroker: false,
      demo: false,
    });
  });

  it('refuses an ingest role without a broker, and half a client certificate', () => {
    expect(() => parseConfig({ ROLE: 'ingest' })).toThrow(/MQTT_URL: ROLE=ingest needs MQTT_URL/);
    expect(
      parseConfig({ ROLE: 'ingest', MQTT_URL: 'mqtts://broker:8883', MQTT_CA_FILE: '/ca.pem' }),
    ).toMatchObject({ MQTT_CA_FILE: '/ca.pem', embeddedBroker: false });
    expect(() => parseConfig({ MQTT_CERT_FILE: '/c.pem' })).toThrow(
      /MQTT_CERT_FILE and MQTT_KEY_FILE go together/,
    );
  });
});

describe('what each role serves', () => {
  let wl: TestInstance | undefined;
  afterEach(async () => {
    await wl?.stop();
    wl = undefined;
  });
  const get = (path: string) => fetch(`${wl?.running.httpUrl}${path}`);
  const ready = async () => (await (await get('/readyz')).json()) as Ready;

  it('api: the HTTP API and the ops endpoints, no ingest, no broker probe', async () => {
    wl = await startInstance({ ROLE: 'api' });
    expect(wl.running).toMatchObject({ role: 'api', mqttUrl: '', ingest: undefined });
    expect((await get('/v1/meters')).status).toBe(401);
    expect((await get('/openapi.json')).status).toBe(200);
    expect(await ready()).toEqual({
      status: 'ready',
      checks: { store: { ok: true }, ledger: { ok: true } },
    });
    expect((await get('/metrics')).status).toBe(200);
  });

  it('jobs: ops endpoints only (problem+json 404 elsewhere)', async () => {
    wl = await startInstance({ ROLE: 'jobs', SETTLE_CRON: '0 3 * * *' });
    expect(wl.running).toMatchObject({ role: 'jobs', ingest: undefined });
    const res = await get('/v1/meters');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /a jobs process serves \/healthz, \/readyz and \/metrics only/,
    );
    expect((await get('/healthz')).status).toBe(200);
    expect(Object.keys((await ready()).checks)).toEqual(['store', 'ledger']);
    expect(await (await get('/metrics')).text()).toContain(
      'wattledger_process_resident_memory_bytes',
    );
  });

  it.skipIf(inject('mqttUrl') === '')(
    'ingest: subscriber and spool, ops endpoints with the broker probe',
    async () => {
      wl = await startInstance({
        ROLE: 'ingest',
        MQTT_URL: inject('mqttUrl'),
        MQTT_CLIENT_ID: `roles-ingest-${process.pid}`,
      });
      expect(wl.running.role).toBe('ingest');
      expect(wl.running.ingest).toBeDefined();
      expect((await get('/v1/meters')).status).toBe(404);
      expect(Object.keys((await ready()).checks)).toEqual(['broker', 'store', 'ledger']);
      expect(await (await get('/metrics')).text()).toContain('wattledger_spool_depth');
    },
  );
});
