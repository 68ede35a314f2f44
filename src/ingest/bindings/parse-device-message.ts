import { deviceFormat } from '../../formats/registry.js';
import type { Reading } from '../../readings/reading.js';
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
      meter: { id: m.meterId, timezone: m.timezone, source: m.options },
      receivedAt,
    });
    if (!result.ok) {
      rejections.push(reject(m.meterId, result.reason, result.detail));
      continue;
    }
    for (const r of result.readings)
      readings.push({
        meterId: m.meterId,
        ts: r.ts,
        importWh: r.importWh,
        exportWh: r.exportWh,
        powerW: r.powerW,
        receivedAt,
        ...(r.tsSource === 'received' ? { tsSource: 'received' as const } : {}),
        ...(r.registers === undefined || Object.keys(r.registers).length === 0
          ? {}
          : { registers: r.registers }),
        ...(r.counterStart === undefined ? {} : { span: { counterStart: r.counterStart } }),
      });
  }
  return { readings, rejections };
}
