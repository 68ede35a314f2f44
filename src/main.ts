import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { sql } from 'kysely';
import type { Config } from './config.js';
import { createApp } from './api/app.js';
import { hashApiKey } from './auth/api-key.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker.js';
import type { DemoKeys } from './demo/seed-fleet.js';
import { startDemo, type Demo } from './demo/start-demo.js';
import { startJobs } from './jobs/scheduler.js';
import type { BillingOptions } from './billing/settlement/billing-deps.js';
import { randomBytes } from 'node:crypto';
import { startIngest, type Ingest } from './ingest/start-ingest.js';
import { openLedger } from './ledger/connect.js';
import { migrateLedger } from './ledger/migrate.js';
import { createMetrics } from './metrics/metrics.js';
import { createReadingStore } from './readings/create-store.js';
import { systemClock, type Clock } from './shared/clock.js';
import { createLogger, type Logger } from './shared/logger.js';
import path from 'node:path';

export interface Running {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  readonly ingest: Ingest;
  readonly log: Logger;
  /** The demo's API keys, to print (default mode only). */
  readonly demoKeys: DemoKeys | undefined;
  /** Stop everything; the ingest spool drains for at most `drainMs`. */
  stop(drainMs?: number): Promise<void>;
}

/**
 * The composition root: builds every client once from the frozen config and passes them down as deps.
 * Nothing below this reads the environment or keeps a module-level client.
 */
export async function startWattledger(config: Readonly<Config>, clock: Clock = systemClock): Promise<Running> {
  const log = createLogger(config.LOG_LEVEL);
  mkdirSync(config.DATA_DIR, { recursive: true });
  const metrics = createMetrics();
  const ledger = openLedger(config.ledgerUrl);
  await migrateLedger(ledger);
  const store = createReadingStore({
    influxUrl: config.INFLUX_URL, influxDb: config.INFLUX_DB, influxUsername: config.INFLUX_USERNAME,
    influxPassword: config.INFLUX_PASSWORD, influxToken: config.INFLUX_TOKEN, influxMaxConcurrentQueries: config.INFLUX_MAX_CONCURRENT_QUERIES, sqlitePath: path.join(config.DATA_DIR, 'readings.db'),
  });
  await initStoreWithRetry(store.init.bind(store), log);

  const ingest = startIngest(
    { store, db: ledger.db, clock, metrics, log },
    {
      spoolPath: config.spoolPath, spoolSync: config.SPOOL_SYNC, batchSize: config.FLUSH_BATCH_SIZE, lingerMs: config.FLUSH_LINGER_MS,
      defaultMaxPowerW: config.DEFAULT_MAX_POWER_W,
      mqtt: config.MQTT_URL === undefined ? undefined : {
        url: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, username: config.MQTT_USERNAME, password: config.MQTT_PASSWORD,
        protocolVersion: config.MQTT_PROTOCOL_VERSION, sessionExpirySeconds: config.MQTT_SESSION_EXPIRY_S, shareGroup: config.MQTT_SHARE_GROUP,
      },
    },
  );
  let broker: EmbeddedBroker | undefined;
  if (config.embeddedBroker) broker = await startEmbeddedBroker({ host: config.MQTT_HOST, port: config.MQTT_PORT }, ingest.receive, log);
  const mqttUrl = broker?.url ?? config.MQTT_URL ?? '';

  const billing: BillingOptions = {
    graceMs: config.GRACE_HOURS * 3_600_000, backBillingMonths: config.BACK_BILLING_MONTHS,
    runnerId: `${config.MQTT_CLIENT_ID}-${process.pid}-${randomBytes(3).toString('hex')}`,
  };
  const app = createApp({
    ops: {
      registry: metrics.registry,
      probes: {
        broker: () => { if (!ingest.brokerConnected()) throw new Error('not connected to the MQTT broker'); },
        store: () => store.ping(),
        ledger: async () => { await sql`select 1`.execute(ledger.db); },
      },
    },
    db: ledger.db, store, clock, log, billing,
    adminKeyHash: config.ADMIN_API_KEY === undefined ? undefined : hashApiKey(config.ADMIN_API_KEY),
    onMeterAdded: (id) => ingest.meters.invalidate(id),
  });
  const server = await listen(app.fetch, config.HOST, config.PORT);
  const jobs = startJobs({ db: ledger.db, store, clock, log }, { ...billing, settleCron: config.SETTLE_CRON });
  const port = (server.address() as AddressInfo).port;
  const httpUrl = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;

  let demo: Demo | undefined;
  if (config.demo || config.simulator) {
    demo = await startDemo(
      { db: ledger.db, clock, log, meters: ingest.meters },
      { seed: config.demo, simulate: config.simulator, mqttUrl, meters: config.SIMULATOR_METERS, keysFile: path.join(config.DATA_DIR, 'demo-keys.json') },
    );
  }
  log.info({ http: httpUrl, mqtt: mqttUrl, store: store.kind, ledger: ledger.dialect, dataDir: config.DATA_DIR }, 'wattledger running');

  return {
    httpUrl, mqttUrl, ingest, log, demoKeys: demo?.keys,
    async stop(drainMs = 10_000) {
      await demo?.stop();
      await jobs.stop();
      await broker?.close();
      await ingest.stop(drainMs);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await ledger.close();
    },
  };
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/** The store may come up after wattledger (compose, restarts): wait for it rather than crash-looping. */
async function initStoreWithRetry(init: () => Promise<void>, log: Logger, deadlineMs = 120_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await init();
    } catch (e) {
      if (Date.now() > until) throw e;
      log.warn({ err: e, attempt }, 'readings store not ready; retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
}
