/** A JSON object as parsed: own keys only matter, values unknown. */
export type JsonObject = Record<string, unknown>;

export type JsonResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parse a payload as UTF-8 JSON, as the device sends it. Invalid UTF-8 is refused rather than
 * patched with replacement characters; a repeated key follows JSON.parse (the last one wins).
 */
export function parseJson(payload: Buffer): JsonResult {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { ok: false, detail: 'payload is not UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const why = err instanceof Error ? err.message : 'unparsable';
    return { ok: false, detail: `payload is not JSON: ${why.slice(0, 120)}` };
  }
}

/** A JSON object, not an array or null: what a notification, its params and a status must be. */
export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An own property of a parsed object (never one inherited from Object.prototype). */
export const own = (obj: JsonObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
