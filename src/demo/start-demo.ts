import type { Kysely } from 'kysely';
import { makeFleet } from '../../simulators/fleet.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { countMeters, listMeters } from '../fleet/meters-repo.js';
import { demoDeviceBindings, type DemoDevice } from './demo-devices.js';
import { demoExchanger, demoMeterEvents, eventsAllowed } from './demo-meter-events.js';
import { bindAsLedger } from './demo-simulated-fleet.js';
import { readDemoKeys, seedDemoFleet, type DemoKeys } from './seed-fleet.js';
import type { MeterDirectory } from '../ingest/meter-directory.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { ReadingStore } from '../readings/reading-store.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface DemoDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * The ingest's meter cache to refresh after seeding; absent in a process without ingest (role
   * `api`).
   */
  readonly meters?: Pick<MeterDirectory, 'invalidate'> | undefined;
  /**
   * The device bindings of this process's ingest, read again right after seeding: the simulator
   * sends a device's backlog within seconds, and a broker refuses (and drops) what a device
   * publishes before its binding is known. Without them (no ingest here, or an external simulator)
   * every demo meter speaks wattledger's own format.
   */
  readonly bindings?: { refresh(): Promise<void> } | undefined;
  /**
   * The readings store, for the demo's meter exchange (its final and start indexes); without it
   * the demo shows a reset, a wrap and a jitter but no exchange.
   */
  readonly store?: Pick<ReadingStore, 'windows' | 'writeBatch'> | undefined;
}

export interface DemoOptions {
  /** Seed the demo fleet when the ledger has no meters. */
  readonly seed: boolean;
  /** Run the simulator: 60 days of backlog, then live readings. */
  readonly simulate: boolean;
  readonly mqttUrl: string;
  readonly meters: number;
  /** The meters' MQTT password secret: the simulator logs each meter in with its own password. */
  readonly meterSecret?: string | undefined;
  /** Where the demo keeps the keys it prints (DATA_DIR/demo-keys.json). */
  readonly keysFile: string;
}

export interface Demo {
  /** The demo's API keys, when this ledger was seeded by the demo. */
  readonly keys: DemoKeys | undefined;
  stop(): Promise<void>;
}

const DAY = 86_400_000;
const BACKFILL_DAYS = 60;
/** The seed of the demo fleet, its load curves and its faults. */
export const DEMO_SEED = 2026;

/**
 * The zero-configuration demo: on an empty ledger, seed a small fleet of households
 * installed 61 days ago (customers, contracts on a time-of-use tariff, meters, and
 * admin/staff/customer keys), the last few bound to devices of each format (demo-devices.ts); then
 * run the simulator for it, which backfills 60 days of readings (so charts and past periods have
 * data at once) and goes on publishing live every 15 minutes, each meter in its own format. A
 * device without a clock of its own (teleinfo) sends only live readings. In the backfill, one
 * wattledger-format household's counter resets, one's register wraps, one's reading jitters and
 * one's meter is exchanged (demo-meter-events.ts), their counter rules set at seeding.
 */
export async function startDemo(deps: DemoDeps, opts: DemoOptions): Promise<Demo> {
  const now = deps.clock.now();
  const installedAt = Math.floor((now - (BACKFILL_DAYS + 1) * DAY) / DAY) * DAY;
  const fleet = makeFleet({ meters: opts.meters, seed: DEMO_SEED, prefix: 'demo-', installedAt });
  const empty = (await countMeters(deps.db)) === 0;
  let keys = readDemoKeys(opts.keysFile);
  if (opts.seed && empty) {
    const ids = fleet.map((m) => m.meterId);
    const devices =
      opts.simulate && deps.bindings !== undefined
        ? demoDeviceBindings(ids)
        : new Map<string, DemoDevice>();
    const events = demoMeterEvents(ids, new Set(devices.keys()), installedAt);
    const rules = new Map([...events].map(([id, e]) => [id, e.rules] as const));
    keys = await seedDemoFleet(deps, ids, installedAt, opts.keysFile, devices, rules);
    deps.meters?.invalidate();
    await deps.bindings?.refresh();
    deps.log.info(
      { meters: fleet.length, devices: Object.fromEntries(devices) },
      'seeded the demo fleet: one household, contract and meter each, a few behind devices',
    );
  }
  if (!opts.simulate) return { keys, stop: async () => undefined };
  const simulated = await bindAsLedger(deps.db, fleet);
  // One meter of each event (a reset, a wrap, a jitter, an exchange) in the backfill.
  const planned = demoMeterEvents(
    fleet.map((m) => m.meterId),
    new Set(simulated.filter((d) => d.device !== undefined).map((d) => d.meterId)),
    installedAt,
  );
  const store = deps.store;
  const events = eventsAllowed(planned, await listMeters(deps.db), simulated).filter(
    (e) => e.kind !== 'exchange' || store !== undefined,
  );
  const exchanger =
    store === undefined
      ? undefined
      : demoExchanger({
          db: deps.db,
          clock: deps.clock,
          store,
          meterChanged: async () => {
            deps.meters?.invalidate();
            await deps.bindings?.refresh();
          },
        });
  const abort = new AbortController();
  const run = runSimulation(
    {
      mqttUrl: opts.mqttUrl,
      meters: simulated.length,
      fleet: simulated,
      interval: '15m',
      speed: 1,
      seed: DEMO_SEED,
      track: false,
      // A restarted demo resumes where the stored data ends; the store ignores what it already
      // holds.
      from: empty ? now - BACKFILL_DAYS * DAY : now - DAY,
      signal: abort.signal,
      clientId: `wattledger-demo-sim-${process.pid}`,
      meterSecret: opts.meterSecret,
      events,
      exchanger,
    },
    { clock: deps.clock, log: (msg) => deps.log.debug({ component: 'simulator' }, msg) },
  ).catch((e: unknown) => deps.log.error({ err: e }, 'demo simulator stopped'));
  return {
    keys,
    async stop() {
      abort.abort();
      await run;
    },
  };
}
