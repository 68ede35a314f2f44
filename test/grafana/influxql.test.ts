import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet } from '../../simulators/fleet.js';
import { createMeterState } from '../../simulators/meter-state.js';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import type { Reading } from '../../src/readings/reading.js';
import { haveInfluxd } from '../harness/services.js';
import { dashboardQueries, regexEscape, renderInfluxQL, type MacroValues } from './dashboards.js';

const influxUrl = inject('influxUrl');
const available = influxUrl !== '' && haveInfluxd();
const DAY = 86_400_000;
const METERS = 8;
const END = Date.UTC(2026, 10, 20, 12);
const START = END - 4 * DAY;

interface QueryAnswer {
  readonly error?: string;
  readonly results?: readonly {
    readonly error?: string;
    readonly series?: readonly { readonly values?: readonly unknown[][] }[];
  }[];
}

const fleet = makeFleet({ meters: METERS, seed: 11, prefix: 'sim-', installedAt: START - DAY });
// A home with solar panels (its readings carry exportWh) and one without.
const solar = fleet.find((m) => m.solar)?.meterId ?? '';
const plain = fleet.find((m) => !m.solar)?.meterId ?? '';

/**
 * Simulated households (the simulator's load model, 15-minute readings) written through
 * wattledger's own InfluxDB adapter, so the points have exactly the stored shape. The solar home is
 * silent for 3 hours: the gap panels have something to find.
 */
function simulatedReadings(): Reading[] {
  const gap = { meterId: solar, from: END - 2 * DAY, to: END - 2 * DAY + 3 * 3_600_000 };
  return fleet
    .flatMap((m) => createMeterState(m, { startTs: START }).advanceTo(END))
    .filter((r) => !(r.meterId === gap.meterId && r.ts > gap.from && r.ts < gap.to))
    .map((r) => ({
      meterId: r.meterId,
      ts: r.ts,
      importWh: r.importWh,
      exportWh: r.exportWh,
      powerW: r.powerW,
      receivedAt: r.ts + 30_000,
    }));
}

describe.skipIf(!available)(
  'grafana InfluxQL queries against InfluxDB 1.x with simulated readings',
  () => {
    const database = `wl_grafana_${randomBytes(4).toString('hex')}`;
    const client = createInfluxClient({ url: influxUrl, database });
    let points = 0;

    beforeAll(async () => {
      const store = createInfluxStore({ url: influxUrl, database });
      await store.init();
      const readings = simulatedReadings();
      for (let i = 0; i < readings.length; i += 5000)
        await store.writeBatch(readings.slice(i, i + 5000));
      points = readings.length;
      await store.close();
    });
    afterAll(async () => {
      await client.query(`DROP DATABASE "${database}"`, { db: false });
    });

    async function run(q: string): Promise<QueryAnswer> {
      const res = await fetch(
        `${influxUrl}/query?${new URLSearchParams({ db: database, epoch: 'ms', q })}`,
      );
      const body = (await res.json()) as QueryAnswer;
      return { ...body, ...(res.ok ? {} : { error: body.error ?? `HTTP ${res.status}` }) };
    }

    const queries = dashboardQueries().filter((q) => q.datasource === 'influxdb');
    const base = { from: START, to: END, interval: '15m', intervalMs: 900_000, tz: 'Europe/Paris' };
    // Grafana renders $meter_id as one escaped id, several joined in a
    // group, or the All value `.*`.
    const variants: [string, MacroValues][] = [
      ['one meter', { ...base, meterId: regexEscape(solar) }],
      [
        'two meters',
        {
          ...base,
          meterId: `(${regexEscape(plain)}|${regexEscape(solar)})`,
          interval: '1h',
          intervalMs: 3_600_000,
        },
      ],
      ['all meters', { ...base, meterId: '.*', tz: 'Asia/Kathmandu' }],
    ];

    it('writes a few thousand simulated readings', () => {
      expect(solar).not.toBe('');
      expect(points).toBeGreaterThan(3000);
      expect(queries.length).toBeGreaterThanOrEqual(15);
    });

    it.each(queries.map((q) => [q.where, q.query] as const))(
      '%s runs without error and returns data',
      async (_where, query) => {
        for (const [label, values] of variants) {
          const q = renderInfluxQL(query, values);
          expect(q, `unreplaced macro in ${q}`).not.toMatch(/\$[A-Za-z_]/);
          const answer = await run(q);
          expect(answer.error, `${label}: ${q}`).toBeUndefined();
          for (const r of answer.results ?? []) expect(r.error, `${label}: ${q}`).toBeUndefined();
          const rows = (answer.results ?? [])
            .flatMap((r) => r.series ?? [])
            .flatMap((s) => s.values ?? []);
          expect(rows.length, `${label}: no rows from ${q}`).toBeGreaterThan(0);
        }
      },
    );
  },
);
