import type { DeviceReading } from '../../formats/device-format.js';
import { deviceFormat } from '../../formats/registry.js';
import type { Reading } from '../../readings/reading.js';
import type { MarkedReading } from '../counter-spans.js';
import type { ParsedMessage } from '../payload.js';
import { makeRejection, type Rejection } from '../rejection.js';
import type { BoundMeter } from './topic-bindings.js';

/**
 * Read one message on a device topic for each meter bound to it (a device with several channels
 * serves several meters): each meter's format turns the bytes into readings or a rejection. A topic
 * nobody is bound to (a subscription left from a meter since unbound) is an `unknown_meter`.
 */
export function parseDeviceMessage(
  topic: string,
  payload: Buffer,
  receivedAt: number,
  meters: readonly BoundMeter[] | undefined,
): ParsedMessage {
  const reject = (meterId: string | null, reason: Rejection['reason'], detail: string) =>
    makeRejection({ reason, detail, meterId, topic, payload, receivedAt });
  if (meters === undefined || meters.length === 0)
    return {
      readings: [],
      rejections: [reject(null, 'unknown_meter', `no meter is bound to topic ${topic}`)],
    };
  const readings: Reading[] = [];
  const rejections: Rejection[] = [];
  for (const m of meters) {
    const result = deviceFormat(m.format).parse({
      topic,
      payload,
      meter: m.formatMeter,
      receivedAt,
    });
    if (!result.ok) {
      rejections.push(reject(m.meterId, result.reason, result.detail));
      continue;
    }
    for (const r of result.readings) readings.push(readingOf(m.meterId, r, receivedAt));
  }
  return { readings, rejections };
}

/**
 * A device reading as the meter's reading, with only the fields it has: one object per reading.
 * The device's counter marker is held beside it; ingest stores it only where it must.
 */
function readingOf(meterId: string, r: DeviceReading, receivedAt: number): MarkedReading {
  const reading: Mutable<MarkedReading> = {
    meterId,
    ts: r.ts,
    importWh: r.importWh,
    exportWh: r.exportWh,
    powerW: r.powerW,
    receivedAt,
  };
  if (r.tsSource === 'received') reading.tsSource = 'received';
  if (r.registers !== undefined && hasKeys(r.registers)) reading.registers = r.registers;
  if (r.counterStart !== undefined) reading.counterStart = r.counterStart;
  return reading;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function hasKeys(o: object): boolean {
  for (const _key in o) return true;
  return false;
}
