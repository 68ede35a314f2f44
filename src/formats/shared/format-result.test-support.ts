import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { nestedArray } from '../../../test/ingest/adversarial-payloads.js';
import { REJECTION_REASONS } from '../../ingest/rejection.js';
import type {
  DeviceFormat,
  DeviceReading,
  FormatMeter,
  FormatRejection,
  FormatResult,
} from '../device-format.js';

/** Shared by the device formats' tests: fixtures, and what any parse result must be. */

/** The fuzz tests' seed: fixed, so that every run tries the same inputs. */
export const FUZZ_SEED = 20261206;

/** When the tests' messages are received, unless a test says otherwise. */
export const RECEIVED = Date.UTC(2026, 10, 29, 18, 20, 0);

const FIXTURES = new URL('../../../test/fixtures/formats/', import.meta.url);

/** A format's fixture bytes, exactly as published: `fixture('tasmota', 'x.json')`. */
export const fixture = (format: string, name: string): Buffer =>
  readFileSync(new URL(`${format}/${name}`, FIXTURES));

/** The bytes of every fixture of a format whose name ends in `ext`. */
export const fixturesOf = (format: string, ext: string): Buffer[] =>
  readdirSync(new URL(`${format}/`, FIXTURES))
    .filter((name) => name.endsWith(ext))
    .map((name) => fixture(format, name));

/** A message as a test hands it to a format. */
export interface TestMessage<S> {
  readonly topic: string;
  /** Text is turned into bytes with `encoding`. */
  readonly payload: Buffer | string;
  /** UTF-8 unless the format reads bytes of another charset (a P1 telegram is latin1). */
  readonly encoding?: BufferEncoding;
  readonly meter: FormatMeter<S>;
  /** `RECEIVED` unless the test says otherwise. */
  readonly receivedAt?: number;
}

/** A format's `parse`, called as ingest calls it. */
export function parseMessage<S>(format: DeviceFormat<S>, message: TestMessage<S>): FormatResult {
  const { payload, encoding = 'utf8', receivedAt = RECEIVED, topic, meter } = message;
  const bytes = typeof payload === 'string' ? Buffer.from(payload, encoding) : payload;
  return format.parse({ topic, payload: bytes, meter, receivedAt });
}

export interface WellFormedOptions {
  /** The receive time of the message: a reading at the time of receipt must carry exactly it. */
  readonly receivedAt?: number;
  /** The format promises that `registers`, when present, add up to `importWh`. */
  readonly registersAddUp?: boolean;
}

/**
 * What must hold of any outcome of `parse`, whatever the bytes: one reading with a safe integer
 * time, non-negative safe integer registers and a finite power, or a rejection with a reason of the
 * rejection vocabulary and a detail.
 */
export function expectWellFormed(res: FormatResult, options: WellFormedOptions = {}): void {
  if (!res.ok) {
    expect(REJECTION_REASONS).toContain(res.reason);
    expect(res.detail.length).toBeGreaterThan(0);
    return;
  }
  // Every format reads one reading per message.
  expect(res.readings).toHaveLength(1);
  for (const r of res.readings) {
    expect(Number.isSafeInteger(r.ts)).toBe(true);
    expect(['meter', 'received']).toContain(r.tsSource);
    if (r.tsSource === 'received' && options.receivedAt !== undefined) {
      expect(r.ts).toBe(options.receivedAt);
    }
    const registers = Object.values(r.registers ?? {});
    for (const wh of [r.importWh, r.exportWh ?? 0, ...registers]) {
      expect(Number.isSafeInteger(wh) && wh >= 0).toBe(true);
    }
    if (options.registersAddUp === true && r.registers !== undefined) {
      expect(registers.reduce((a, b) => a + b, 0)).toBe(r.importWh);
    }
    expect(r.powerW === undefined || Number.isFinite(r.powerW)).toBe(true);
  }
}

/** The one reading of a result, or a failed test naming the rejection. */
export function readingOf(res: FormatResult): DeviceReading {
  if (!res.ok) throw new Error(`expected readings, got ${res.reason}: ${res.detail}`);
  expect(res.readings).toHaveLength(1);
  return res.readings[0]!;
}

/** The rejection of a result, or a failed test showing the readings. */
export function rejectionOf(res: FormatResult): FormatRejection {
  if (res.ok) throw new Error(`expected a rejection, got ${JSON.stringify(res.readings)}`);
  return { reason: res.reason, detail: res.detail };
}

/**
 * Any payload a broker could deliver: random bytes, any JSON value, any text, and whatever a format
 * adds for its own framing.
 */
export const anyPayload = (...more: fc.Arbitrary<Buffer>[]): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
    ...more,
  );

/**
 * Payloads with a value nested 100,000 deep: each template with `$` replaced by such an array. A
 * rejection detail that serialised the value would overflow the stack and make `parse` throw.
 */
export const deeplyNested = (templates: readonly string[]): string[] => {
  const deep = nestedArray(100_000);
  return templates.map((t) => t.replaceAll('$', deep));
};
