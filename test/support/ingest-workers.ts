import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnWattledger, type ChildInstance } from './child-instance.js';
import { readMetric } from './instance.js';

/**
 * Ingest processes (`ROLE=ingest`) on one shared subscription, each with its own
 * client id, data dir and log.
 */
export interface IngestWorkers {
  readonly workers: ChildInstance[];
  /** A metric of each worker, in order (0 for a worker that does not answer). */
  each(metric: string): Promise<number[]>;
  /** The metric summed over the workers. */
  sum(metric: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Start `n` ingest workers in parallel; `env` carries the broker, store and
 * ledger settings they share.
 */
export async function spawnIngestWorkers(
  n: number,
  env: Record<string, string>,
  dir: string,
  name: string,
): Promise<IngestWorkers> {
  const workers = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const dataDir = path.join(dir, `${name}-${i}`);
      mkdirSync(dataDir, { recursive: true });
      return spawnWattledger(
        {
          ROLE: 'ingest',
          MQTT_SHARE_GROUP: 'wattledger',
          MQTT_CLIENT_ID: `${name}-${i}`,
          DATA_DIR: dataDir,
          ...env,
        },
        `${dataDir}.log`,
      );
    }),
  );
  const each = (metric: string) =>
    Promise.all(workers.map((w) => readMetric(w.httpUrl, metric).catch(() => 0)));
  return {
    workers,
    each,
    sum: async (metric) => (await each(metric)).reduce((a, b) => a + b, 0),
    async stop() {
      await Promise.all(workers.map((w) => w.process.stop()));
    },
  };
}
