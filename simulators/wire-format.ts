import type { TimestampFormat } from './fleet.js';

/** One reading as the simulator knows it: `ts` in epoch ms, integer registers. */
export interface SimReading {
  readonly meterId: string;
  readonly ts: number;
  readonly importWh: number;
  /** Present for solar homes only. */
  readonly exportWh?: number | undefined;
  /** Average net power over the interval ending at `ts`, W; negative while exporting. */
  readonly powerW: number;
  /**
   * The exact energy counted at `ts`, Wh with a fraction (the registers are its floor), for
   * devices that report fractions of a Wh; absent where only the registers are known.
   */
  readonly exactImportWh?: number | undefined;
  readonly exactExportWh?: number | undefined;
}

/**
 * A reading as the receiver must store it: what a wattledger payload carries, or what a device
 * reports of a simulated reading (its own resolution and time, the registers it names, no power
 * when it sends none).
 */
export interface ExpectedReading {
  readonly meterId: string;
  readonly ts: number;
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
  /** A multi-register meter's counters by their device names (their sum is `importWh`). */
  readonly registers?: Readonly<Record<string, number>> | undefined;
}

/** A reading as sent in an MQTT payload (docs/design.md §3). */
export interface WireReading {
  readonly ts: string | number;
  readonly importWh: number;
  readonly exportWh?: number;
  readonly powerW?: number;
}

/** The topic a meter publishes its readings to. */
export function readingTopic(meterId: string): string {
  return `meters/${meterId}/readings`;
}

/** The storage key of a reading, `${meterId}@${ts}` with ts in epoch ms. */
export function readingKey(meterId: string, ts: number): string {
  return `${meterId}@${ts}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** RFC 3339 in UTC without milliseconds when they are zero: `2026-11-29T18:15:00Z`. */
export function rfc3339(ts: number): string {
  const iso = new Date(ts).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** RFC 3339 in a fixed local offset: `2026-11-29T19:15:00+01:00`. */
export function rfc3339WithOffset(ts: number, offsetMinutes: number): string {
  const d = new Date(ts + offsetMinutes * 60_000);
  const ms = d.getUTCMilliseconds();
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${ms === 0 ? '' : `.${pad(ms, 3)}`}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Write a timestamp the way a meter with this format does. */
export function formatTs(
  ts: number,
  format: TimestampFormat = 'rfc3339',
  offsetMinutes = 0,
): string | number {
  switch (format) {
    case 'rfc3339':
      return rfc3339(ts);
    case 'rfc3339Offset':
      return rfc3339WithOffset(ts, offsetMinutes);
    case 'epochMs':
      return ts;
  }
}

/** The payload object of one reading. */
export function toWireReading(
  r: SimReading,
  format: TimestampFormat = 'rfc3339',
  offsetMinutes = 0,
): WireReading {
  const base = { ts: formatTs(r.ts, format, offsetMinutes), importWh: r.importWh };
  return r.exportWh === undefined
    ? { ...base, powerW: r.powerW }
    : { ...base, exportWh: r.exportWh, powerW: r.powerW };
}
