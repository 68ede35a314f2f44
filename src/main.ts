// First: zod 4 gives a schema its methods when it is built, and the API calls
// `.openapi()` on schemas the domain modules build, so the @hono/zod-openapi extension
// must be loaded before any of them.
import '@hono/zod-openapi';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { sql } from 'kysely';
import type { Config } from './config.js';
import {
  billingOptions,
  demoOptions,
  ingestOptions,
  jobsOptions,
  storeOptions,
} from './config-options.js';
import { createApp } from './api/app.js';
import { httpLimits } from './api/limits/http-limits.js';
import { createOpsApp } from './api/ops-app.js';
import { hashApiKey } from './auth/api-key.js';
import { startConfiguredBroker } from './broker/configured-broker.js';
import type { EmbeddedBroker } from './broker/embedded-broker.js';
import { resolveMeterSecret } from './broker/meter-secret.js';
import type { DemoKeys } from './demo/seed-fleet.js';
import { startDemo, type Demo } from './demo/start-demo.js';
import { startJobs } from './jobs/scheduler.js';
import { startIngest, type Ingest } from './ingest/start-ingest.js';
import { openLedger } from './ledger/connect.js';
import { migrateLedger } from './ledger/migrate.js';
import { createMetrics } from './metrics/metrics.js';
import type { Probe } from './ops/readiness.js';
import { roleParts, type ProcessRole } from './ops/roles.js';
import { createReadingStore } from './readings/create-store.js';
import { createCachedStore } from './readings/cache/cached-store.js';
import { startChangeFollower } from './readings/cache/change-follower.js';
import type { ReadingChange } from './readings/changes/reading-changes.js';
import { startingClock, systemClock, type Clock } from './shared/clock.js';
import { createLogger, type Logger } from './shared/logger.js';
import { initStoreWithRetry } from './init-with-retry.js';
import { listen } from './listen.js';

export interface Running {
  readonly role: ProcessRole;
  readonly httpUrl: string;
  /** The broker this process ingests from; '' when its role does not ingest. */
  readonly mqttUrl: string;
  /** The ingest pipeline, when the role runs one (`all`, `ingest`). */
  readonly ingest: Ingest | undefined;
  readonly log: Logger;
  /** The demo's API keys, to print (default mode only). */
  readonly demoKeys: DemoKeys | undefined;
  /** Stop everything; the ingest spool drains for at most `drainMs`. */
  stop(drainMs?: number): Promise<void>;
}

/**
 * The composition root: builds every client once from the frozen config and passes them down as
 * deps. Nothing below this reads the environment or keeps a module-level client. `config.ROLE`
 * decides which parts start (roles.ts); the wiring of each part is the same in every role.
 */
export async function startWattledger(
  config: Readonly<Config>,
  clock: Clock = config.CLOCK_START === undefined ? systemClock : startingClock(config.CLOCK_START),
): Promise<Running> {
  const log = createLogger(config.LOG_LEVEL);
  mkdirSync(config.DATA_DIR, { recursive: true });
  const metrics = createMetrics();
  const ledger = openLedger(config.ledgerUrl);
  await migrateLedger(ledger);
  const store = createReadingStore(storeOptions(config));
  await initStoreWithRetry(store.init.bind(store), log);

  const parts = roleParts(config.ROLE);
  // The API (its routes, and settlement when staff run it over HTTP) reads sealed days from memory
  // (so history costs no store query and p99 stays low under load); ingest and the cron
  // jobs read the store itself.
  const cached =
    parts.api && config.READINGS_CACHE_MB > 0
      ? createCachedStore(store, {
          maxBytes: config.READINGS_CACHE_MB * 1024 * 1024,
          clock,
          counters: {
            request: (result) => metrics.readingsCacheRequests.inc({ result }),
            bytes: (n) => metrics.readingsCacheBytes.set(n),
          },
        })
      : undefined;
  const follower =
    cached === undefined
      ? undefined
      : startChangeFollower(
          { db: ledger.db, store: cached, clock, log },
          { pollMs: config.READINGS_CACHE_POLL_MS },
        );
  // In one process the flush drops what it changed at once; the follower
  // then skips those feed rows.
  const onReadingChanges = (changes: readonly ReadingChange[]) => {
    for (const c of changes) cached?.invalidate(c.meterId);
    follower?.applied(changes);
  };
  const ingest = !parts.ingest
    ? undefined
    : await startIngest(
        { store, db: ledger.db, clock, metrics, log, onReadingChanges },
        ingestOptions(config),
      );
  // The meters' MQTT passwords derive from it: the embedded broker checks them, the simulator and
  // the credentials route hand them out.
  const meterSecret = resolveMeterSecret({
    configured: config.METER_PASSWORD_SECRET,
    dataDir: config.DATA_DIR,
    create: config.embeddedBroker,
  });
  let broker: EmbeddedBroker | undefined;
  if (ingest !== undefined && config.embeddedBroker && meterSecret !== undefined)
    broker = await startConfiguredBroker(config, meterSecret, ingest, { clock, log });
  const mqttUrl = ingest === undefined ? '' : (broker?.url ?? config.MQTT_URL ?? '');

  const billing = billingOptions(config);
  // The demo fleet is seeded before the HTTP server listens: once a process answers,
  // its meters exist (docker-compose.yml generates the broker's accounts from them as
  // soon as the api is healthy).
  let demo: Demo | undefined;
  if (config.demo || config.simulator) {
    demo = await startDemo(
      {
        db: ledger.db,
        clock,
        log,
        meters: ingest?.meters,
        bindings: ingest?.bindings,
        store: cached ?? store,
      },
      { ...demoOptions(config, mqttUrl), meterSecret },
    );
  }
  // Readiness checks what this role uses: every role reads the store and the ledger,
  // only ingest needs the broker.
  const probes: Record<string, Probe> = {
    ...(ingest !== undefined && {
      broker: () => {
        if (!ingest.brokerConnected())
          throw new Error('not connected to the MQTT broker, or not yet subscribed');
      },
    }),
    store: () => store.ping(),
    ledger: async () => {
      await sql`select 1`.execute(ledger.db);
    },
  };
  const ops = { registry: metrics.registry, probes, metricsToken: config.METRICS_TOKEN };
  const app = !parts.api
    ? createOpsApp(ops, log, config.ROLE)
    : createApp({
        ops,
        db: ledger.db,
        store: cached ?? store,
        clock,
        log,
        billing,
        limits: httpLimits(config),
        adminKeyHash:
          config.ADMIN_API_KEY === undefined ? undefined : hashApiKey(config.ADMIN_API_KEY),
        onMeterAdded: (id) => ingest?.meterChanged(id),
        meterSecret,
        defaultMaxPowerW: config.DEFAULT_MAX_POWER_W,
      });
  const server = await listen(app.fetch, config.HOST, config.PORT);
  const jobs = parts.jobs
    ? startJobs({ db: ledger.db, store, clock, log }, jobsOptions(config, billing))
    : undefined;
  if (config.ROLE === 'jobs' && config.SETTLE_CRON === 'off')
    log.warn('ROLE=jobs with SETTLE_CRON=off: this process does not settle');
  const port = (server.address() as AddressInfo).port;
  const httpUrl = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;

  log.info(
    {
      role: config.ROLE,
      http: httpUrl,
      mqtt: mqttUrl || undefined,
      store: store.kind,
      ledger: ledger.dialect,
      dataDir: config.DATA_DIR,
    },
    'wattledger running',
  );

  return {
    role: config.ROLE,
    httpUrl,
    mqttUrl,
    ingest,
    log,
    demoKeys: demo?.keys,
    async stop(drainMs = 10_000) {
      await demo?.stop();
      await jobs?.stop();
      await follower?.stop();
      await broker?.close();
      await ingest?.stop(drainMs);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await ledger.close();
    },
  };
}
