import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { BillingOptions } from '../../src/billing/settlement/billing-deps.js';
import type { Consent } from '../../src/privacy/consent.js';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import type { manualClock } from '../../src/shared/clock.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import { idOf, expectCall } from '../api/fleet-fixtures.js';
import { havePostgres, startPostgres, type PostgresHandle } from '../harness/postgres.js';
import { haveInfluxd } from '../harness/services.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { DESIGN_TARIFF } from '../support/design-tariff.js';

export const Q = 900_000;
export const DAY = 86_400_000;
export const t = (iso: string): number => Date.parse(iso);

/**
 * A household created over HTTP: customer, contract (Europe/Paris, the tariff of docs/design.md
 * §5), one meter, a customer key.
 */
export interface Home {
  readonly customerId: string;
  readonly contractId: string;
  readonly meterId: string;
  readonly key: string;
}

/**
 * The API over a real ledger and a real readings store, a manual clock, and what billing jobs need.
 */
export interface PrivacyWorld {
  readonly api: TestApi;
  readonly clock: ReturnType<typeof manualClock>;
  readonly deps: {
    readonly db: TestApi['ledger']['db'];
    readonly store: ReadingStore;
    readonly clock: ReturnType<typeof manualClock>;
    readonly log: Logger;
  };
  readonly billing: BillingOptions;
  /** The InfluxDB database behind the store, when the store is InfluxDB. */
  readonly influx: { readonly url: string; readonly database: string } | undefined;
  /** A household with `consent` (set by the customer itself, so audited as a customer change). */
  home(
    meterId: string,
    opts?: { consent?: Consent; startsAt?: string; name?: string; email?: string },
  ): Promise<Home>;
  /** A staff key. */
  staffKey(): Promise<string>;
  /**
   * Readings every 15 minutes in [from, to]: more at night than by day, a morning peak, some noise,
   * and now and then a reading off the quarter hour, so that band totals depend on the shape.
   */
  readings(meterId: string, from: string, to: string): Promise<Reading[]>;
  close(): Promise<void>;
}

async function openWorld(
  ledgerUrl: string | undefined,
  influxUrl: string | undefined,
): Promise<PrivacyWorld> {
  const database = `wl_privacy_${randomBytes(4).toString('hex')}`;
  const store =
    influxUrl === undefined ? undefined : createInfluxStore({ url: influxUrl, database });
  const api = await createTestApi({ ledgerUrl, store, clock: 'manual' });
  const clock = api.clock as ReturnType<typeof manualClock>;
  let tariffId: string | undefined;
  return {
    api,
    clock,
    deps: { db: api.ledger.db, store: api.store, clock, log: createLogger('silent') },
    billing: { graceMs: 72 * 3_600_000, backBillingMonths: 14, runnerId: 'privacy-test' },
    influx: influxUrl === undefined ? undefined : { url: influxUrl, database },
    async home(meterId, o = {}) {
      // The docs/design.md §5 tariff, in force from 2020 so that any period of
      // these tests can be priced.
      const doc = {
        ...DESIGN_TARIFF,
        versions: [{ ...DESIGN_TARIFF.versions[0], validFrom: '2020-01-01T00:00:00+01:00' }],
      };
      tariffId ??= idOf(await expectCall(api, 201, 'POST', '/v1/tariffs', { body: doc }));
      const customerId = idOf(
        await expectCall(api, 201, 'POST', '/v1/customers', {
          body: {
            name: o.name ?? `Household ${meterId}`,
            email: o.email ?? `${meterId}@example.org`,
          },
        }),
      );
      const startsAt = o.startsAt ?? '2026-09-01T00:00:00+02:00';
      const contractId = idOf(
        await expectCall(api, 201, 'POST', '/v1/contracts', {
          body: { customerId, tariffId, timezone: 'Europe/Paris', startsAt },
        }),
      );
      await expectCall(api, 201, 'POST', '/v1/meters', {
        body: {
          id: meterId,
          contractId,
          installedAt: new Date(t(startsAt) - 30 * DAY).toISOString(),
        },
      });
      const key = String(
        (
          await expectCall(api, 201, 'POST', '/v1/api-keys', {
            body: { role: 'customer', customerId },
          })
        ).key,
      );
      if (o.consent !== undefined && o.consent !== 'month') {
        await expectCall(api, 200, 'PUT', `/v1/contracts/${contractId}/consent`, {
          key,
          body: { granularity: o.consent },
        });
      }
      return { customerId, contractId, meterId, key };
    },
    async staffKey() {
      return String(
        (await expectCall(api, 201, 'POST', '/v1/api-keys', { body: { role: 'staff' } })).key,
      );
    },
    async readings(meterId, from, to) {
      const out: Reading[] = [];
      let wh = 2_000_000;
      for (let ts = t(from), i = 0; ts <= t(to); ts += Q, i++) {
        const hour = new Date(ts).getUTCHours();
        wh += (hour >= 20 || hour < 5 ? 300 : 90) + (hour === 6 ? 500 : 0) + ((i * 7919) % 61);
        out.push({
          meterId,
          ts: i % 13 === 7 ? ts + 6 * 60_000 : ts,
          importWh: wh,
          exportWh: 0,
          receivedAt: ts + 1000,
        });
      }
      await api.store.writeBatch(out);
      return out;
    },
    async close() {
      await api.close();
      if (influxUrl !== undefined)
        await createInfluxClient({ url: influxUrl, database }).query(
          `DROP DATABASE "${database}"`,
          { db: false },
        );
    },
  };
}

/**
 * Run `suite` on the two set-ups the privacy tests need: the SQLite ledger with the embedded store,
 * and PostgreSQL with InfluxDB (both started by the harness; skipped loudly when not installed).
 */
export function onBothSetups(
  suite: (name: string, open: () => Promise<PrivacyWorld>) => void,
): void {
  suite('SQLite ledger, embedded store', () => openWorld(undefined, undefined));
  const influxUrl = inject('influxUrl');
  describe.skipIf(influxUrl === '' || !haveInfluxd() || !havePostgres())('on real services', () => {
    let pg: PostgresHandle | undefined;
    beforeAll(async () => {
      pg = await startPostgres();
    });
    afterAll(async () => {
      await pg?.stop();
    });
    suite('PostgreSQL ledger, InfluxDB store', async () => {
      if (pg === undefined) throw new Error('PostgreSQL did not start');
      return openWorld(await pg.createDatabase(), influxUrl);
    });
  });
}

/** The timestamps of a meter's stored readings in [from, to]. */
export async function storedTs(
  store: ReadingStore,
  meterId: string,
  from: number,
  to: number,
): Promise<number[]> {
  return ((await store.windows([{ meterId, from, to }])).get(meterId)?.inside ?? []).map(
    (r) => r.ts,
  );
}
