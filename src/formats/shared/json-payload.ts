import { isUtf8 } from 'node:buffer';
import { fail, ok, type Parsed } from './parsed.js';

/** A JSON object as parsed from a payload: only its own keys count, its values are unknown. */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * The payload as one JSON object. Bytes that are not UTF-8 are `invalid_json` (replacing them would
 * parse a payload the device never sent); a repeated key keeps its last value, as `JSON.parse`
 * does (teleinfo2mqtt's own documented frame repeats `PAPP`). Anything but an object (an array, a
 * bare value, null) is `invalid_schema`; `what` names what the object should have been. Never
 * throws: nesting deep enough to exhaust the parser is `invalid_json` too.
 */
export function jsonObjectPayload(payload: Buffer, what: string): Parsed<JsonObject> {
  // Checked, then decoded: a strict TextDecoder built per message cost more than the JSON parse.
  // Like that decoder, a leading byte order mark is dropped.
  if (!isUtf8(payload)) return fail('invalid_json', 'payload is not UTF-8');
  const bom = payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf;
  const text = payload.toString('utf8', bom ? 3 : 0);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return fail('invalid_json', `payload is not JSON: ${message.slice(0, 200)}`);
  }
  if (!isObject(body)) {
    return fail('invalid_schema', `payload must be a JSON object (${what}), got ${shown(body)}`);
  }
  return ok(body);
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A key's own value: never one inherited from `Object.prototype`, so a key from the payload or
 * from `source` (`__proto__`, `constructor`) reads as exactly what the object holds, or nothing.
 */
export function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Absent and JSON null both mean "not sent". */
export const isAbsent = (value: unknown): value is undefined | null =>
  value === undefined || value === null;

/**
 * A short description of a value for a rejection detail. It never serialises a nested value: a
 * payload nested 100,000 deep would overflow the stack of `JSON.stringify` (and of `String`),
 * turning a rejection into an exception.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `an ${typeof value}`;
}

/**
 * The keys a message did carry, for the detail of a message that lacks the expected ones: at most
 * `max`, each cut to 24 characters and quoted; `none` for an empty object.
 */
export function keysShown(object: object, max: number): string {
  const keys = Object.keys(object);
  if (keys.length === 0) return 'none';
  const listed = keys.slice(0, max).map((k) => JSON.stringify(k.slice(0, 24)));
  return `${listed.join(', ')}${keys.length > max ? `, … (${keys.length} keys)` : ''}`;
}
