// Part of bench:scale: readings/s through Mosquitto and one ingest process into the InfluxDB that
// already holds the fleet's history, with bench:ingest's publisher.
import { readMetric } from '../test/support/instance.js';
import { waitFor } from '../test/harness/process.js';
import { publishAll, type BenchMessage } from './bench-publisher.js';
import { registerAt } from './scale-load.js';
import { watchMemory } from './scale-memory.js';
import { cpuSeconds, peakRssMb, spawnRole, type RoleEnv } from './scale-procs.js';

export interface IngestPass {
  /** Readings of the timed rounds. */
  readonly readings: number;
  readonly rate: number;
  /** The untimed first round's rate: each meter's first reading after a start costs a store query. */
  readonly firstRoundRate: number;
  /** The ingest process's own CPU per reading, µs: steadier than the rate on a shared machine. */
  readonly cpuUs: number;
  readonly rssMb: number;
}

/**
 * `perMeter` readings of every meter, one per message, evenly spread over `(historyEnd, upTo]`,
 * their registers continuing the history that starts at `historyFrom`; time-major, as a fleet
 * reporting together sends them. With the span under an hour and `upTo` the ingest's clock, no
 * reading is a late arrival, whatever the fleet's size: a late one costs a change-feed row, which
 * would weigh on small fleets (many readings per meter) and not on large ones.
 */
export function nextReadings(
  meterIds: readonly string[],
  perMeter: number,
  historyFrom: number,
  historyEnd: number,
  upTo: number,
): BenchMessage[] {
  const out: BenchMessage[] = [];
  const step = Math.floor((upTo - historyEnd) / perMeter);
  for (let j = 1; j <= perMeter; j += 1) {
    const ts = historyEnd + j * step;
    const iso = new Date(ts).toISOString();
    meterIds.forEach((id, m) =>
      out.push({
        topic: `meters/${id}/readings`,
        payload: `{"ts":"${iso}","importWh":${registerAt(m, historyFrom, ts)},"exportWh":0,"powerW":360}`,
      }),
    );
  }
  return out;
}

/**
 * Start an ingest process on `env` subscribed to `mqttUrl`; publish the first `firstRound` of
 * `messages` (one reading of every meter: the process learns each meter's latest reading from the
 * store) and wait until they are stored, then time the rest, the steady state, from the first
 * publish until the last reading is stored. At most 1,000 messages are in flight. Throws if any
 * reading was rejected. The process is stopped before this resolves.
 */
export async function ingestPass(
  env: RoleEnv,
  mqttUrl: string,
  messages: readonly BenchMessage[],
  firstRound: number,
): Promise<IngestPass> {
  const wl = await spawnRole('ingest', 'ingest', env, { MQTT_URL: mqttUrl });
  const stored = () => readMetric(wl.httpUrl, 'wattledger_readings_stored_total');
  /** Readings/s from the first publish of `batch` until `total` readings are stored. */
  const timed = async (batch: readonly BenchMessage[], total: number) => {
    const started = performance.now();
    const publishing = publishAll(mqttUrl, batch, 1000);
    await waitFor('every published reading stored', async () => (await stored()) >= total, {
      timeoutMs: 900_000,
      intervalMs: 20,
      process: wl.process,
    });
    const rate = batch.length / ((performance.now() - started) / 1000);
    await publishing;
    return rate;
  };
  // With BENCH_DEBUG, where the ingest's memory goes: heap, external, the rest (scale-memory.ts).
  const memory = process.env.BENCH_DEBUG ? watchMemory(wl.httpUrl) : undefined;
  try {
    const pid = wl.process.pid;
    const firstRoundRate = await timed(messages.slice(0, firstRound), firstRound);
    const steady = messages.slice(firstRound);
    const cpu0 = cpuSeconds(pid);
    const rate = await timed(steady, messages.length);
    const cpuUs = Math.round(((cpuSeconds(pid) - cpu0) * 1e6) / steady.length);
    const rejected = await readMetric(wl.httpUrl, 'wattledger_ingest_rejections_total');
    if (rejected > 0) throw new Error(`ingest rejected ${rejected} readings (see ${env.dir})`);
    if (memory !== undefined)
      process.stdout.write(`  ingest memory peaks: ${JSON.stringify(await memory.stop())}\n`);
    return { readings: steady.length, rate, firstRoundRate, cpuUs, rssMb: peakRssMb(pid) };
  } finally {
    await memory?.stop();
    await wl.process.stop();
  }
}
