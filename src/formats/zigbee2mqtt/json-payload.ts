import type { FormatRejection } from '../device-format.js';

/** A payload that is one JSON object, or why it is not. */
export type JsonObjectPayload =
  | { readonly ok: true; readonly object: Readonly<Record<string, unknown>> }
  | ({ readonly ok: false } & FormatRejection);

/**
 * The payload as one JSON object. Bytes that are not UTF-8 are `invalid_json` (replacing them would
 * parse a payload the device never sent); a repeated key keeps its last value, as `JSON.parse` does.
 * Never throws: deep nesting that exhausts the parser is `invalid_json` too.
 */
export function jsonObjectPayload(payload: Buffer, what: string): JsonObjectPayload {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { ok: false, reason: 'invalid_json', detail: 'payload is not UTF-8' };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      reason: 'invalid_json',
      detail: `payload is not JSON: ${message.slice(0, 200)}`,
    };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const kind = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`;
    return {
      ok: false,
      reason: 'invalid_schema',
      detail: `payload must be a JSON object (${what}), got ${kind}`,
    };
  }
  return { ok: true, object: body as Record<string, unknown> };
}

/**
 * A key's own value: never one inherited from `Object.prototype`, so a payload key such as
 * `__proto__` or `constructor` reads as exactly what the payload holds (or nothing).
 */
export function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value shown in a rejection detail: short, whatever it is. */
export function shown(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Why `topic` cannot be an MQTT topic a device publishes on, or undefined: not empty, at most
 * 65,535 bytes, no `+`/`#` wildcard, no NUL, not a `$` broker topic (MQTT 3.1.1 §4.7).
 */
export function topicNameProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'the topic is empty';
  if (Buffer.byteLength(topic, 'utf8') > 65_535) return 'the topic is longer than 65,535 bytes';
  if (/[+#]/.test(topic)) return 'a topic to publish on has no + or # wildcard';
  if (topic.includes('\u0000')) return 'the topic contains a NUL character';
  if (topic.startsWith('$')) return 'topics starting with $ belong to the broker';
  return undefined;
}
