/**
 * A minimal reader of the MQTT contract (docs/design.md §3), for checking what the simulator
 * sends: tests use it to tell valid readings from faulty messages. It is not the ingest
 * validator: it knows nothing of meters, clocks or previous readings.
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
