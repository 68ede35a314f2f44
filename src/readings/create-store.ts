import { createInfluxStore } from './influx/influx-store.js';
import type { ReadingStore } from './reading-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';

export interface ReadingStoreConfig {
  /** InfluxDB base URL (v1 HTTP API). When absent or empty, the embedded SQLite store is used. */
  readonly influxUrl?: string | undefined;
  readonly influxDb: string;
  readonly influxUsername?: string | undefined;
  readonly influxPassword?: string | undefined;
  readonly influxToken?: string | undefined;
  readonly influxMaxConcurrentQueries?: number | undefined;
  /** SQLite file for the embedded store (ignored when influxUrl is set). */
  readonly sqlitePath: string;
}

/** Pick the readings adapter from configuration. Call `init()` on the result before use. */
export function createReadingStore(cfg: ReadingStoreConfig): ReadingStore {
  if (cfg.influxUrl !== undefined && cfg.influxUrl !== '') {
    return createInfluxStore({
      url: cfg.influxUrl,
      database: cfg.influxDb,
      username: cfg.influxUsername,
      password: cfg.influxPassword,
      token: cfg.influxToken,
      maxConcurrentQueries: cfg.influxMaxConcurrentQueries,
    });
  }
  return createSqliteStore({ path: cfg.sqlitePath });
}
