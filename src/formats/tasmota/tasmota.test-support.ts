import type { FormatResult } from '../device-format.js';
import {
  RECEIVED,
  fixture as formatFixture,
  parseMessage,
} from '../shared/format-result.test-support.js';
import { tasmotaFormat, type TasmotaSource } from './tasmota.js';

/** Shared by the tasmota tests: fixture bytes and one way to call the parser. */

export { RECEIVED };

/** A fixture's bytes, exactly as published. */
export const fixture = (name: string): Buffer => formatFixture('tasmota', name);

/** A fixture's JSON, to derive a variant from in a test. */
export const fixtureJson = (name: string): Record<string, unknown> =>
  JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;

export function parse(
  payload: Buffer | string | object,
  opts: { timezone?: string; source?: TasmotaSource | Record<string, unknown> } = {},
): FormatResult {
  return parseMessage(tasmotaFormat, {
    topic: 'tele/tasmota/SENSOR',
    payload:
      typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    meter: {
      id: 'm-1',
      timezone: opts.timezone ?? 'Europe/Paris',
      source: (opts.source ?? {}) as TasmotaSource,
    },
  });
}
