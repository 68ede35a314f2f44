import type { ExpectedReason } from './injected-faults.js';
import { rfc3339, toWireReading, type SimReading } from './wire-format.js';

/** Number of malformed variants {@link malformedPayload} picks from. */
export const MALFORMED_VARIANTS = 5;

/**
 * A payload that is not JSON (a reading cut off mid-way) or JSON that breaks the schema (importWh
 * a string, a fraction, missing ts, unparseable ts), with the reason the receiver must give.
 * `u` in [0, 1) picks the variant and the cut.
 */
export function malformedPayload(
  r: SimReading,
  u: number,
): { payload: string; reason: ExpectedReason } {
  const wire = toWireReading(r);
  const variant = Math.floor(u * MALFORMED_VARIANTS);
  const { ts, importWh } = wire;
  switch (variant) {
    case 0: {
      // A strict prefix of an object's JSON never parses: at least the closing brace is missing.
      const json = JSON.stringify(wire);
      const cut = 6 + Math.floor(((u * MALFORMED_VARIANTS) % 1) * (json.length - 7));
      return { payload: json.slice(0, cut), reason: 'invalid_json' };
    }
    case 1:
      return { payload: JSON.stringify({ ts, importWh: 'abc' }), reason: 'invalid_schema' };
    case 2:
      return { payload: JSON.stringify({ importWh }), reason: 'invalid_schema' };
    case 3:
      return {
        payload: JSON.stringify({ ts, importWh: importWh + 0.5 }),
        reason: 'invalid_schema',
      };
    default:
      return { payload: JSON.stringify({ ts: 'yesterday', importWh }), reason: 'invalid_schema' };
  }
}

/** A well-formed reading at `ts` whose importWh (lower than the register's) is given. */
export function registerDecreasePayload(r: SimReading, ts: number, importWh: number): string {
  return JSON.stringify(toWireReading({ ...r, ts, importWh }));
}

/** The registers of `r` stamped at `ts` (ahead of the sending clock). */
export function skewedPayload(r: SimReading, ts: number): string {
  return JSON.stringify({ ...toWireReading(r), ts: rfc3339(ts) });
}

/**
 * How one meter's faulty messages are written, in the format it speaks. `timed`: whether the meter
 * states each reading's time, so that a reading may be resent, held back or restamped and still be
 * stored at its own time (a device without a clock to trust can only be sent malformed messages).
 * `registerDecrease` and `skewed` answer undefined when the format cannot express that fault.
 */
export interface FaultPayloads {
  readonly timed: boolean;
  malformed(r: SimReading, u: number): { payload: string; reason: ExpectedReason };
  registerDecrease(r: SimReading, ts: number, importWh: number): string | undefined;
  skewed(r: SimReading, ts: number): string | undefined;
}

/** Faulty messages of the MQTT contract's own format. */
export const WATTLEDGER_FAULT_PAYLOADS: FaultPayloads = {
  timed: true,
  malformed: malformedPayload,
  registerDecrease: registerDecreasePayload,
  skewed: skewedPayload,
};
