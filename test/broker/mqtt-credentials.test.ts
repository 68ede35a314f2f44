import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type TestInstance } from '../support/instance.js';
import { meterLogin, TEST_METER_SECRET } from '../support/publisher.js';
import { runCli } from '../support/run-cli.js';

const ADMIN = 'mqtt-credentials-admin-key-0123';

describe("a meter's MQTT credentials, over the API and the CLI", () => {
  let wl: TestInstance;
  const get = (path: string, key = ADMIN) =>
    fetch(`${wl.running.httpUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    wl = await startInstance({ ADMIN_API_KEY: ADMIN }, ['cred-1']);
  });
  afterAll(async () => {
    await wl?.stop();
  });

  it('GET /v1/meters/{id}/mqtt-credentials answers a login the embedded broker accepts', async () => {
    const res = await get('/v1/meters/cred-1/mqtt-credentials');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { username: string; password: string; topic: string };
    expect(body).toEqual({
      ...meterLogin('cred-1'),
      topic: 'meters/cred-1/readings',
      format: 'wattledger',
    });
    const c = await mqtt.connectAsync(wl.running.mqttUrl, {
      username: body.username,
      password: body.password,
      reconnectPeriod: 0,
    });
    await c.publishAsync(body.topic, '{"ts":0,"importWh":1}', { qos: 1 });
    await c.endAsync();
  });

  it('answers 404 for an unknown meter and 401 without a key', async () => {
    expect((await get('/v1/meters/nope/mqtt-credentials')).status).toBe(404);
    expect((await get('/v1/meters/cred-1/mqtt-credentials', 'wrong-key-0123456789')).status).toBe(
      401,
    );
  });

  it('`wattledger meters credentials <id>` prints the same', async () => {
    const env = { DATA_DIR: wl.dataDir, METER_PASSWORD_SECRET: TEST_METER_SECRET };
    const ok = await runCli(['meters', 'credentials', 'cred-1'], env);
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(ok.stdout)).toEqual({
      ...meterLogin('cred-1'),
      topic: 'meters/cred-1/readings',
      format: 'wattledger',
    });
    const unknown = await runCli(['meters', 'credentials', 'nope'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no meter nope/);
  });
});
