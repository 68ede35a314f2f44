import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BillingOptions } from './billing/settlement/billing-deps.js';
import type { Config } from './config.js';
import type { DemoOptions } from './demo/start-demo.js';
import { readMqttTls } from './ingest/mqtt-tls.js';
import type { IngestOptions } from './ingest/start-ingest.js';
import type { RetentionSchedule } from './jobs/scheduler.js';
import type { ReadingStoreConfig } from './readings/create-store.js';

/** The readings store of the config: InfluxDB when INFLUX_URL is set, else SQLite in DATA_DIR. */
export function storeOptions(config: Readonly<Config>): ReadingStoreConfig {
  return {
    influxUrl: config.INFLUX_URL,
    influxDb: config.INFLUX_DB,
    influxUsername: config.INFLUX_USERNAME,
    influxPassword: config.INFLUX_PASSWORD,
    influxToken: config.INFLUX_TOKEN,
    influxMaxConcurrentQueries: config.INFLUX_MAX_CONCURRENT_QUERIES,
    sqlitePath: path.join(config.DATA_DIR, 'readings.db'),
  };
}

/**
 * The ingest pipeline's settings. Reads the MQTT TLS files named by the config, so only a role that
 * ingests calls it: a missing file then stops that process at start.
 */
export function ingestOptions(config: Readonly<Config>): IngestOptions {
  return {
    spoolPath: config.spoolPath,
    spoolSync: config.SPOOL_SYNC,
    batchSize: config.FLUSH_BATCH_SIZE,
    lingerMs: config.FLUSH_LINGER_MS,
    defaultMaxPowerW: config.DEFAULT_MAX_POWER_W,
    bindingsRefreshMs: config.BINDINGS_REFRESH_MS,
    mqtt:
      config.MQTT_URL === undefined
        ? undefined
        : {
            url: config.MQTT_URL,
            clientId: config.MQTT_CLIENT_ID,
            username: config.MQTT_USERNAME,
            password: config.MQTT_PASSWORD,
            protocolVersion: config.MQTT_PROTOCOL_VERSION,
            sessionExpirySeconds: config.MQTT_SESSION_EXPIRY_S,
            shareGroup: config.MQTT_SHARE_GROUP,
            tls: readMqttTls({
              caFile: config.MQTT_CA_FILE,
              certFile: config.MQTT_CERT_FILE,
              keyFile: config.MQTT_KEY_FILE,
            }),
          },
  };
}

/** Settlement settings, with a runner id for period leases that is unique to this process. */
export function billingOptions(config: Readonly<Config>): BillingOptions {
  return {
    graceMs: config.GRACE_HOURS * 3_600_000,
    backBillingMonths: config.BACK_BILLING_MONTHS,
    runnerId: `${config.MQTT_CLIENT_ID}-${process.pid}-${randomBytes(3).toString('hex')}`,
  };
}

/** The schedules of the cron jobs, with the settlement settings they run under. */
export function jobsOptions(
  config: Readonly<Config>,
  billing: BillingOptions,
): BillingOptions & {
  readonly settleCron: string;
  readonly daySummaryCron: string;
} & RetentionSchedule {
  return {
    ...billing,
    settleCron: config.SETTLE_CRON,
    daySummaryCron: config.DAY_SUMMARY_CRON,
    retentionCron: config.RETENTION_CRON,
    retentionMonths: config.RETENTION_MONTHS,
  };
}

/**
 * The demo's settings; its simulator publishes to `mqttUrl`, the broker this process ingests from.
 */
export function demoOptions(config: Readonly<Config>, mqttUrl: string): DemoOptions {
  return {
    seed: config.demo,
    simulate: config.simulator,
    mqttUrl,
    meters: config.SIMULATOR_METERS,
    keysFile: path.join(config.DATA_DIR, 'demo-keys.json'),
  };
}
