import { z } from 'zod';
import { parseRfc3339 } from '../shared/time.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import type { Reading } from '../readings/reading.js';
import { arrayElementRanges } from './array-elements.js';
import { makeRejection, type Rejection } from './rejection.js';
import { meterIdOfTopic } from './topic.js';

export const MAX_READINGS_PER_MESSAGE = 1000;

const timestamp = z.union([
  z.string().transform((s, ctx) => {
    const ms = parseRfc3339(s);
    if (ms === undefined)
      ctx.addIssue({ code: 'custom', message: 'ts must be RFC 3339 with Z or an offset' });
    return ms ?? z.NEVER;
  }),
  z.number().int('ts in epoch milliseconds must be an integer').min(0).max(8.64e15),
]);
const register = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * One reading on the wire (docs/design.md §3). Unknown fields are ignored for forward
 * compatibility.
 */
export const wireReadingSchema = z.object({
  ts: timestamp,
  importWh: register,
  exportWh: register.optional(),
  powerW: z.number().finite().optional(),
  meterId: z.string().optional(),
});

export interface ParsedMessage {
  readonly readings: Reading[];
  readonly rejections: Rejection[];
}

/**
 * Turn one MQTT message into readings and rejections. Pure and synchronous: it runs before the
 * PUBACK. A bad element of an array rejects only that element; a bad envelope rejects the whole
 * message. Total over bytes: a rejection's payload is always cut from `payload` itself, never
 * re-serialised from parsed values (deep nesting that parses may not stringify).
 */
export function parseMessage(topic: string, payload: Buffer, receivedAt: number): ParsedMessage {
  const meterId = meterIdOfTopic(topic);
  const reject = (
    reason: Rejection['reason'],
    detail: string,
    raw: Buffer | string = payload,
    id: string | null = meterId ?? null,
  ): ParsedMessage => ({
    readings: [],
    rejections: [makeRejection({ reason, detail, meterId: id, topic, payload: raw, receivedAt })],
  });
  if (meterId === undefined) {
    return reject(
      'invalid_topic',
      'topic must be meters/{meterId}/readings with meterId matching ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
      payload,
      null,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return reject('invalid_json', `payload is not JSON: ${(e as Error).message}`);
  }
  const elements = Array.isArray(body) ? body : [body];
  if (Array.isArray(body) && (body.length === 0 || body.length > MAX_READINGS_PER_MESSAGE)) {
    return reject(
      'invalid_schema',
      `an array must hold 1 to ${MAX_READINGS_PER_MESSAGE} readings, got ${body.length}`,
    );
  }
  // Each element's own bytes, scanned only once an element is rejected (most arrays have none);
  // the whole payload should the scan ever disagree with JSON.parse.
  let scanned = false;
  let ranges: ReturnType<typeof arrayElementRanges>;
  const rawOf = (index: number): Buffer => {
    if (!Array.isArray(body)) return payload;
    if (!scanned) [scanned, ranges] = [true, arrayElementRanges(payload)];
    const range = ranges?.length === elements.length ? ranges[index] : undefined;
    return range === undefined ? payload : payload.subarray(range[0], range[1]);
  };
  const out: ParsedMessage = { readings: [], rejections: [] };
  elements.forEach((element: unknown, index) => {
    const where = Array.isArray(body) ? `[${index}] ` : '';
    const raw = () => rawOf(index);
    const res = wireReadingSchema.safeParse(element);
    if (!res.success) {
      out.rejections.push(
        ...reject('invalid_schema', where + describeZodIssues(res.error.issues), raw()).rejections,
      );
      return;
    }
    const r = res.data;
    if (r.meterId !== undefined && r.meterId !== meterId) {
      out.rejections.push(
        ...reject(
          'invalid_schema',
          `${where}meterId ${JSON.stringify(r.meterId.slice(0, 64))} differs from the topic's ${meterId}`,
          raw(),
        ).rejections,
      );
      return;
    }
    out.readings.push({
      meterId,
      ts: r.ts,
      importWh: r.importWh,
      exportWh: r.exportWh,
      powerW: r.powerW,
      receivedAt,
    });
  });
  return out;
}
