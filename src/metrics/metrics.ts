import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every Prometheus metric of one wattledger process, in its own registry (no global state). */
export interface Metrics {
  readonly registry: Registry;
  readonly messagesReceived: Counter;
  readonly readingsReceived: Counter;
  readonly readingsStored: Counter;
  readonly readingsDuplicate: Counter;
  readonly rejections: Counter<'reason'>;
  readonly spoolDepth: Gauge;
  readonly flushBatchSize: Histogram;
  readonly flushDuration: Histogram;
  readonly storeErrors: Counter<'kind'>;
  readonly readingsCacheRequests: Counter<'result'>;
  readonly readingsCacheBytes: Gauge;
}

/** Create the registry and metrics; `collectDefault` adds process metrics (RSS, event loop lag). */
export function createMetrics(opts: { collectDefault?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.collectDefault ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'wattledger_' });
  const registers = [registry];
  return {
    registry,
    messagesReceived: new Counter({
      name: 'wattledger_mqtt_messages_received_total',
      help: 'MQTT messages received on the readings topic',
      registers,
    }),
    readingsReceived: new Counter({
      name: 'wattledger_readings_received_total',
      help: 'Readings parsed from messages and spooled',
      registers,
    }),
    readingsStored: new Counter({
      name: 'wattledger_readings_stored_total',
      help: 'Readings accepted by the readings store',
      registers,
    }),
    readingsDuplicate: new Counter({
      name: 'wattledger_readings_duplicate_total',
      help: 'Identical resends of known readings (not stored twice)',
      registers,
    }),
    rejections: new Counter({
      name: 'wattledger_ingest_rejections_total',
      help: 'Messages or readings rejected, by reason',
      labelNames: ['reason'],
      registers,
    }),
    spoolDepth: new Gauge({
      name: 'wattledger_spool_depth',
      help: 'Readings in the local spool waiting for the store',
      registers,
    }),
    flushBatchSize: new Histogram({
      name: 'wattledger_flush_batch_size',
      help: 'Readings per flush to the store',
      registers,
      buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000],
    }),
    flushDuration: new Histogram({
      name: 'wattledger_flush_duration_seconds',
      help: 'Time to validate and write one batch',
      registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    storeErrors: new Counter({
      name: 'wattledger_store_errors_total',
      help: 'Failed store or ledger operations, by kind',
      labelNames: ['kind'],
      registers,
    }),
    readingsCacheRequests: new Counter({
      name: 'wattledger_readings_cache_requests_total',
      labelNames: ['result'],
      registers,
      help: 'Register windows asked of the readings cache: hit (from memory), load (sealed days read from the store), bypass (not cacheable or cache suspended)',
    }),
    readingsCacheBytes: new Gauge({
      name: 'wattledger_readings_cache_bytes',
      help: 'Bytes held by the readings cache',
      registers,
    }),
  };
}
