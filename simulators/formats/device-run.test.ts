import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/shared/clock.js';
import { makeFleet } from '../fleet.js';
import {
  startInProcessBroker,
  tapReadings,
  type InProcessBroker,
  type ReadingTap,
} from '../in-process-broker.js';
import { runSimulation } from '../run-simulation.js';
import { decodeDeviceMessage, decodePayload } from '../wire-check.js';
import { readingKey, type ExpectedReading } from '../wire-format.js';
import { bindFleet, SIM_FORMATS, type SimDevice } from './device.js';

let broker: InProcessBroker;
let tap: ReadingTap;

beforeAll(async () => {
  broker = await startInProcessBroker();
  tap = await tapReadings(broker.url, 'device-run-tap', ['#']);
});

afterAll(async () => {
  await tap?.close();
  await broker?.close();
});

/** Two meters per format, the wattledger ones included, each device on its family's topic. */
function mixedFleet(installedAt: number) {
  const base = makeFleet({ meters: 2 * SIM_FORMATS.length, seed: 9, installedAt });
  return SIM_FORMATS.flatMap((format, i) =>
    bindFleet(base.slice(2 * i, 2 * i + 2), { format, timezone: 'Europe/Paris' }),
  );
}

const registersOf = (r: ExpectedReading) => ({
  importWh: r.importWh,
  exportWh: r.exportWh,
  registers: r.registers,
});

describe('the simulator speaking every device format', () => {
  it('accounts for what each message must become: stored at its time, at receipt, or rejected', async () => {
    const clock = manualClock('2026-06-15T08:00:00Z');
    const start = clock.now();
    const until = start + 6 * 3_600_000;
    const fleet = mixedFleet(start - 10 * 86_400_000);
    const run = runSimulation(
      {
        mqttUrl: broker.url,
        meters: fleet.length,
        fleet,
        from: start - 86_400_000,
        until,
        seed: 4,
        outageRate: 0.02,
        faults: {
          duplicate: 0.03,
          outOfOrder: 0.02,
          late: 0.02,
          malformed: 0.02,
          registerDecrease: 0.02,
          clockSkew: 0.02,
        },
        pollMs: 5,
      },
      { clock },
    );
    let done = false;
    void run.finally(() => {
      done = true;
    });
    const deadline = Date.now() + 30_000;
    while (tap.messages.length < fleet.length && Date.now() < deadline) await sleep(5);
    for (let i = 0; i < 20_000 && !done; i++) {
      if (clock.now() < until) clock.advance(60_000);
      await sleep(1);
    }
    const report = await run;
    while (tap.messages.length < report.messagesPublished && Date.now() < deadline + 30_000)
      await sleep(20);
    const got = tap.take();
    expect(got).toHaveLength(report.messagesPublished);
    expect(report.acked).toBe(report.messagesPublished);

    const devices = new Map<string, { meterId: string; device: SimDevice }>();
    for (const m of fleet)
      if (m.device !== undefined)
        devices.set(m.device.topic, { meterId: m.meterId, device: m.device });
    const rejections = new Map<string, string>();
    for (const f of report.faults.injected)
      if (f.expectedReason !== undefined)
        rejections.set(`${f.meterId} ${f.payload}`, f.expectedReason);
    for (const q of report.quirks.rejections)
      rejections.set(`${q.meterId} ${q.payload}`, q.expectedReason);

    const stored = new Map<string, ExpectedReading>();
    const atReceipt = new Map<string, ExpectedReading[]>();
    let rejected = 0;
    for (const m of got) {
      const bound = devices.get(m.topic);
      const meterId = bound?.meterId ?? m.meterId;
      const reason = rejections.get(`${meterId} ${m.payload}`);
      const d =
        bound === undefined
          ? decodePayload(m.payload)
          : decodeDeviceMessage(meterId, bound.device, m.payload, m.receivedAt);
      if (reason !== undefined) {
        rejected += 1;
        // A future time or a lower register is the receiver's finding; the rest the parser's.
        if (reason === 'future_timestamp' || reason === 'register_decrease') {
          expect(d.ok, m.payload).toBe(true);
          if (d.ok)
            for (const r of d.readings)
              expect(report.expectedStored.has(readingKey(meterId, r.ts))).toBe(false);
        } else expect(d.ok ? 'stored' : d.reason, m.payload).toBe(reason);
        continue;
      }
      if (!d.ok) throw new Error(`${meterId}: unexpected ${d.reason} of ${m.payload}`);
      for (const r of d.readings) {
        const { tsSource, ...reading } = { tsSource: 'meter', ...r };
        const one = { meterId, ...reading };
        if (tsSource === 'received')
          atReceipt.set(meterId, [...(atReceipt.get(meterId) ?? []), one]);
        else stored.set(readingKey(meterId, r.ts), one);
      }
    }
    expect(rejected).toBe(report.rejectsPublished);

    // Every reading at its own time is one the report expects, exactly as the device reports it.
    expect(stored.size).toBe(report.expectedStored.size);
    for (const [key, r] of stored) {
      const want = report.expectedStored.get(key);
      expect(want, key).toBeDefined();
      expect({ ...r, powerW: r.powerW ?? undefined }).toEqual({
        meterId: want!.meterId,
        ts: want!.ts,
        importWh: want!.importWh,
        exportWh: want!.exportWh,
        powerW: want!.powerW,
        registers: want!.registers,
      });
    }
    // Readings without a time: the report lists them in sending order, per meter.
    const listed = new Map<string, ExpectedReading[]>();
    for (const r of report.expectedAtReceipt)
      listed.set(r.meterId, [...(listed.get(r.meterId) ?? []), r]);
    expect([...atReceipt.keys()].sort()).toEqual([...listed.keys()].sort());
    for (const [meterId, rs] of atReceipt)
      expect(rs.map(registersOf)).toEqual(listed.get(meterId)!.map(registersOf));
    expect(report.readingsAtReceipt).toBe(report.expectedAtReceipt.length);

    // Teleinfo's backlog could not go (no time), its live readings did; the quirks showed.
    const teleinfo = fleet.filter((m) => m.device?.format === 'teleinfo').map((m) => m.meterId);
    for (const id of teleinfo) expect(listed.get(id)?.length ?? 0).toBeGreaterThan(1);
    expect(report.unsentWithoutTime).toBeGreaterThan(2 * 90);
    expect(report.quirks.counts.repeatedState).toBeGreaterThan(0);
    for (const kind of ['duplicate', 'malformed', 'registerDecrease', 'clockSkew'] as const)
      expect(report.faults.counts[kind], kind).toBeGreaterThan(0);
  }, 120_000);
});
