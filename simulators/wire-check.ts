import type { TsSource } from '../src/formats/device-format.js';
import { deviceFormat } from '../src/formats/registry.js';
import type { RejectionReason } from '../src/ingest/rejection.js';
import type { SimDevice } from './formats/device.js';
import type { ExpectedReading } from './wire-format.js';

/**
 * A minimal reader of the MQTT contract (docs/design.md §3), for checking what the simulator
 * sends: tests use it to tell valid readings from faulty messages. It is not the ingest
 * validator: it knows nothing of meters, clocks or previous readings. Device formats are read with
 * their real parser, which is pure.
 */

/** A reading decoded from a payload element. */
export interface DecodedReading {
  readonly ts: number;
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
}

/** Outcome of decoding one message body. */
export type DecodedPayload =
  | { readonly ok: true; readonly array: boolean; readonly readings: readonly DecodedReading[] }
  | { readonly ok: false; readonly reason: 'invalid_json' | 'invalid_schema' };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function isRegister(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Decode one reading object, or undefined when it breaks the schema. */
export function decodeReading(v: unknown): DecodedReading | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const ts =
    typeof o.ts === 'string' && RFC3339.test(o.ts)
      ? Date.parse(o.ts)
      : Number.isSafeInteger(o.ts)
        ? (o.ts as number)
        : NaN;
  if (Number.isNaN(ts) || !isRegister(o.importWh)) return undefined;
  if (o.exportWh !== undefined && !isRegister(o.exportWh)) return undefined;
  if (o.powerW !== undefined && !(typeof o.powerW === 'number' && Number.isFinite(o.powerW)))
    return undefined;
  return {
    ts,
    importWh: o.importWh,
    exportWh: o.exportWh as number | undefined,
    powerW: o.powerW as number | undefined,
  };
}

/** Decode a message body: one reading or an array of 1 to 1000. */
export function decodePayload(payload: string): DecodedPayload {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  const items = Array.isArray(v) ? (v as unknown[]) : [v];
  if (items.length === 0 || items.length > 1000) return { ok: false, reason: 'invalid_schema' };
  const readings: DecodedReading[] = [];
  for (const item of items) {
    const r = decodeReading(item);
    if (!r) return { ok: false, reason: 'invalid_schema' };
    readings.push(r);
  }
  return { ok: true, array: Array.isArray(v), readings };
}

/** A reading a device format read from a simulated message, and whose clock it stands on. */
export type DecodedDeviceReading = ExpectedReading & { readonly tsSource: TsSource };

/** Outcome of reading one device message with the real format parser. */
export type DecodedDeviceMessage =
  | { readonly ok: true; readonly readings: readonly DecodedDeviceReading[] }
  | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string };

/**
 * Read a message the way ingest reads a bound device topic: with the format's own parser
 * (`deviceFormat(format).parse`), the meter's time zone and options, and the time of receipt.
 */
export function decodeDeviceMessage(
  meterId: string,
  device: SimDevice,
  payload: string,
  receivedAt: number,
): DecodedDeviceMessage {
  const spec = deviceFormat(device.format);
  const result = spec.parse({
    topic: device.topic,
    payload: Buffer.from(payload, 'utf8'),
    meter: {
      id: meterId,
      timezone: device.timezone,
      source: spec.sourceSchema.parse(device.options ?? {}),
    },
    receivedAt,
  });
  if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
  return {
    ok: true,
    readings: result.readings.map((r) => ({
      meterId,
      ts: r.ts,
      importWh: r.importWh,
      exportWh: r.exportWh,
      powerW: r.powerW,
      registers: r.registers,
      tsSource: r.tsSource,
    })),
  };
}
