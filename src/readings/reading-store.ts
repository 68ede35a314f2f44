import type { Reading, ReadingRange, ReadingWindow, WindowRequest } from './reading.js';
import type { RegisterColumns } from './register-columns.js';

/**
 * Where readings live: InfluxDB (v1 HTTP API) or the embedded SQLite store.
 * Every adapter passes the same contract test suite (test/readings/store-contract.ts).
 */
export interface ReadingStore {
  /** Human name of the adapter, for logs and /readyz. */
  readonly kind: 'influxdb' | 'sqlite';
  /** Create the database/tables if missing. Idempotent. */
  init(): Promise<void>;
  /**
   * Store a batch. Idempotent on (meterId, ts): a later write of the same key replaces the earlier
   * one. Throws StoreWriteError: `retryable` for outages (5xx, network), not retryable for data
   * problems (4xx).
   */
  writeBatch(readings: readonly Reading[]): Promise<void>;
  /** The most recent reading of a meter by meter time. */
  latest(meterId: string): Promise<Reading | undefined>;
  /**
   * For each request: readings inside [from, to] plus the nearest one before and after. One round
   * trip where the backend allows.
   */
  windows(requests: readonly WindowRequest[]): Promise<Map<string, ReadingWindow>>;
  /**
   * The registers of one meter's window (the readings inside [from, to] plus the nearest before and
   * after), column by column.
   */
  registers(meterId: string, from: number, to: number): Promise<RegisterColumns>;
  /**
   * The readings of `meterId` in [from, to] (bounds included) where its counter did something
   * (`span.event` reset, wrap, dip, installed or removed), ascending: where its register spans
   * begin and end. Nearly every reading has none, so this reads far less than a window.
   */
  counterEvents(meterId: string, from: number, to: number): Promise<Reading[]>;
  /**
   * Remove the readings of `meterId` whose meter time lies in any of `ranges` (bounds included) and
   * answer how many there were. Idempotent: what is gone stays gone and counts nothing. Only
   * retention (many small gaps between the readings it keeps, one round trip) and erasure
   * (`ALL_TIME`) use it.
   */
  deleteRanges(meterId: string, ranges: readonly ReadingRange[]): Promise<number>;
  /** Cheap liveness probe of the backend; throws when unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A failed write. `retryable` is false when the backend refused the data itself (a data problem,
 * not an outage).
 */
export class StoreWriteError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StoreWriteError';
  }
}
