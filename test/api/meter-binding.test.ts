import { afterEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import {
  create,
  createHousehold,
  expectCall,
  type Household,
  type Json,
} from './fleet-fixtures.js';

const INSTALLED = '2026-03-01T00:00:00+01:00';

function describeMeterBinding(name: string, open: () => Promise<TestApi>): void {
  describe(`binding meters to device formats (${name})`, () => {
    let api: TestApi;
    afterEach(async () => {
      await api?.close();
    });
    const bind = (h: Household, id: string, format: string, source: unknown) =>
      api.call('POST', '/v1/meters', {
        body: { id, contractId: h.contractId, installedAt: INSTALLED, format, source },
      });

    it('binds a device topic, answers it on the meter, and hands out the device login', async () => {
      api = await open();
      const h = await createHousehold(api, 'plain-1');
      const m = await create(api, '/v1/meters', {
        id: 'plug-1',
        contractId: h.contractId,
        installedAt: INSTALLED,
        format: 'tasmota',
        source: { topic: 'tele/plug-1/SENSOR' },
      });
      expect(m).toMatchObject({ format: 'tasmota', source: { topic: 'tele/plug-1/SENSOR' } });
      expect(await expectCall(api, 200, 'GET', '/v1/meters/plain-1')).toMatchObject({
        format: 'wattledger',
        source: null,
      });
      const creds = await expectCall(api, 200, 'GET', '/v1/meters/plug-1/mqtt-credentials');
      expect(creds).toMatchObject({
        username: 'plug-1',
        topic: 'tele/plug-1/SENSOR',
        format: 'tasmota',
      });
    });

    it('refuses a source that does not fit the format, naming the field (400)', async () => {
      api = await open();
      const h = await createHousehold(api, 'plain-2');
      const cases: [string, unknown, RegExp][] = [
        ['wattledger', { topic: 'tele/x/SENSOR' }, /source: the wattledger format takes no source/],
        ['tasmota', {}, /source\.topic: the tasmota format needs the exact topic/],
        ['tasmota', { topic: 'tele/+/SENSOR' }, /source\.topic: .*wildcards/],
        ['zigbee2mqtt', { topic: 'meters/x/readings' }, /source\.topic: .*meters\//],
        ['zigbee2mqtt', { topic: '$SYS/broker' }, /source\.topic: .*\$ system topic/],
        ['tasmota', { topic: 'tele/x/STATE' }, /source\.topic/],
        ['tasmota', { topic: 'tele/x/SENSOR', colour: 'blue' }, /colour/],
        ['zigbee2mqtt', { topic: 'zigbee2mqtt/plug', login: 'has space' }, /source\.login/],
        ['nonsense', { topic: 'a/b' }, /format/],
      ];
      for (const [format, source, detail] of cases) {
        const res = await bind(h, 'dev-x', format, source);
        expect(res.status, `${format} ${JSON.stringify(source)}`).toBe(400);
        expect((res.body as Json).detail).toMatch(detail);
      }
      await expectCall(api, 404, 'GET', '/v1/meters/dev-x');
    });

    it('shares a topic only in one format under one login, and a login only within one customer (409)', async () => {
      api = await open();
      const a = await createHousehold(api, 'home-a');
      const b = await createHousehold(api, 'home-b', a.tariffId);
      const bridge = { topic: 'zigbee2mqtt/clamp', login: 'z2m-bridge-a' };
      expect((await bind(a, 'clamp-1', 'zigbee2mqtt', bridge)).status).toBe(201);
      // Another plug behind the same bridge shares its login.
      expect(
        (
          await bind(a, 'plug-2', 'zigbee2mqtt', {
            topic: 'zigbee2mqtt/plug-2',
            login: 'z2m-bridge-a',
          })
        ).status,
      ).toBe(201);
      const creds = await Promise.all(
        ['clamp-1', 'plug-2'].map((id) =>
          expectCall(api, 200, 'GET', `/v1/meters/${id}/mqtt-credentials`),
        ),
      );
      expect(creds.map((c) => c.username)).toEqual(['z2m-bridge-a', 'z2m-bridge-a']);
      expect(creds[0]!.password).toBe(creds[1]!.password);
      // The same topic in another format, or under another login: refused.
      const otherFormat = await bind(a, 'clamp-2', 'teleinfo', { topic: 'zigbee2mqtt/clamp' });
      expect(otherFormat.status).toBe(409);
      expect((otherFormat.body as Json).detail).toMatch(/zigbee2mqtt format/);
      const otherLogin = await bind(a, 'clamp-3', 'zigbee2mqtt', { topic: 'zigbee2mqtt/clamp' });
      expect(otherLogin.status).toBe(409);
      expect((otherLogin.body as Json).detail).toMatch(/source\.login z2m-bridge-a/);
      // Another customer's meter cannot join that login: it would read the first one's topics.
      const foreign = await bind(b, 'plug-b', 'zigbee2mqtt', {
        topic: 'zigbee2mqtt/plug-b',
        login: 'z2m-bridge-a',
      });
      expect(foreign.status).toBe(409);
      expect((foreign.body as Json).detail).toMatch(/another customer/);
      // Nor take a meter id as its login (that meter's device logs in with it).
      const squat = await bind(b, 'plug-c', 'zigbee2mqtt', {
        topic: 'zigbee2mqtt/plug-c',
        login: 'home-a',
      });
      expect(squat.status).toBe(409);
    });

    it('lets a customer see its meter binding but not fetch device credentials', async () => {
      api = await open();
      const h = await createHousehold(api, 'own-1');
      await create(api, '/v1/meters', {
        id: 'own-plug',
        contractId: h.contractId,
        installedAt: INSTALLED,
        format: 'shelly-gen2',
        source: { topic: 'shellyplus1pm-own/events/rpc', component: 'switch:0' },
      });
      expect(
        await expectCall(api, 200, 'GET', '/v1/meters/own-plug', { key: h.key }),
      ).toMatchObject({
        format: 'shelly-gen2',
        source: { topic: 'shellyplus1pm-own/events/rpc', component: 'switch:0' },
      });
      await expectCall(api, 403, 'GET', '/v1/meters/own-plug/mqtt-credentials', { key: h.key });
    });
  });
}

describeMeterBinding('SQLite', () => createTestApi());
describeOnPostgres((createDatabase) => {
  describeMeterBinding('PostgreSQL', async () =>
    createTestApi({ ledgerUrl: await createDatabase() }),
  );
});
