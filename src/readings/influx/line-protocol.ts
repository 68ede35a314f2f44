import { REGISTER_NAME_RE, type Reading } from '../reading.js';

/** The one measurement wattledger writes (docs/design.md §6). */
export const MEASUREMENT = 'meter_reading';

/** A multi-register meter's register `NAME` is the integer field `register_NAME`. */
export const REGISTER_FIELD_PREFIX = 'register_';

/**
 * Escape a tag value for line protocol: commas, spaces and equals signs get a backslash.
 * Backslashes are left alone on purpose: 1.x stores `\\` in a tag value verbatim (it does not
 * unescape it), so there is no spelling of a backslash that every server version reads back the
 * same way. Values that line protocol cannot carry unambiguously (empty, newlines, a backslash) are
 * refused instead.
 */
export function escapeTagValue(value: string): string {
  if (value === '') throw new TypeError('line protocol: empty tag value');
  if (/[\\\r\n]/.test(value))
    throw new TypeError(
      `line protocol: tag value ${JSON.stringify(value)} contains a backslash or line break`,
    );
  return value.replace(/[, =]/g, (c) => `\\${c}`);
}

/**
 * An integer field (`123i`). Field types are fixed per shard, so an integer field must never be
 * sent as a float.
 */
function intField(name: string, value: number): string {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`line protocol: ${name} must be a safe integer, got ${value}`);
  return `${name}=${value}i`;
}

/**
 * A float field. No `i` suffix, so `850` is read as the float 850; JS exponent notation (`1e-7`) is
 * valid line protocol.
 */
function floatField(name: string, value: number): string {
  if (!Number.isFinite(value))
    throw new RangeError(`line protocol: ${name} must be finite, got ${value}`);
  return `${name}=${Object.is(value, -0) ? 0 : value}`;
}

/** A string field value: quoted, with backslashes and double quotes escaped. */
function stringField(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Encode one reading as a line protocol line with a millisecond timestamp (write with
 * `precision=ms`). Throws TypeError/RangeError when the reading cannot be represented: that is a
 * data problem, not an outage.
 */
export function encodeReading(r: Reading): string {
  if (!Number.isSafeInteger(r.ts))
    throw new RangeError(`line protocol: ts must be an integer epoch ms, got ${r.ts}`);
  const fields = [intField('import_wh', r.importWh)];
  if (r.exportWh !== undefined) fields.push(intField('export_wh', r.exportWh));
  if (r.powerW !== undefined) fields.push(floatField('power_w', r.powerW));
  fields.push(intField('received_at', r.receivedAt));
  if (r.tsSource !== undefined) fields.push(`ts_source="${r.tsSource}"`);
  if (r.source !== undefined) fields.push(`source="${r.source}"`);
  if (r.span !== undefined) fields.push(`span=${stringField(JSON.stringify(r.span))}`);
  for (const [name, wh] of Object.entries(r.registers ?? {})) {
    if (!REGISTER_NAME_RE.test(name))
      throw new TypeError(`line protocol: register name ${JSON.stringify(name)} is not allowed`);
    fields.push(intField(`${REGISTER_FIELD_PREFIX}${name}`, wh));
  }
  return `${MEASUREMENT},meter_id=${escapeTagValue(r.meterId)} ${fields.join(',')} ${r.ts}`;
}

/** Encode readings as one line protocol body, one line each. */
export function encodeReadings(readings: readonly Reading[]): string {
  return readings.map(encodeReading).join('\n');
}
