import fc from 'fast-check';

/** One hostile message: where it is published, what it carries, and what kind of attack it is. */
export interface AdversarialMessage {
  readonly kind: string;
  readonly topic: string;
  readonly payload: Buffer;
}

/** A meter id that is never registered: valid readings for it are `unknown_meter`. */
export const GHOST_PREFIX = 'ghost-';

/** Nesting as an attacker sends it: `[[[…]]]` parses, but re-serialising it overflows the stack. */
export const nestedArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const validTs = '2026-11-29T18:15:00Z';
const reading = (fields: Record<string, string>): string =>
  `{${Object.entries({ ts: JSON.stringify(validTs), importWh: '1', ...fields })
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;

/** JSON texts of the wrong type for a field, as raw text so that `1e999` and deep nesting survive. */
const wrongValues: Record<string, readonly string[]> = {
  ts: [
    '"yesterday"',
    '"2026-11-29T18:15:00"',
    '"2026-02-30T00:00:00Z"',
    '1.5',
    '-1',
    '8.64e15',
    '1e999',
    'true',
    'null',
    '{}',
    '[]',
    '"\\u0000"',
  ],
  importWh: [
    '"1"',
    '-1',
    '1.5',
    '9007199254740992',
    '1e999',
    '-1e999',
    'false',
    'null',
    '{}',
    '[1]',
  ],
  exportWh: ['"0"', '-1', '0.5', '9007199254740993', '1e400', 'true', 'null', '{"a":1}', '[]'],
  powerW: ['"850.5"', '1e999', '-1e999', 'true', 'null', '{}', '[850.5]'],
  meterId: ['1', 'true', 'null', '{}', '[]', '"someone-else"', '"\\u0000"', '"\\ud800"'],
};

const wrongField = fc
  .constantFrom(...Object.keys(wrongValues))
  .chain((field) =>
    fc
      .constantFrom(...wrongValues[field]!)
      .map((value) => ({ kind: `wrong ${field}`, text: reading({ [field]: value }) })),
  );

/** Pure byte payloads for a registered meter; each must end as exactly one rejection. */
const payloads: fc.Arbitrary<{ kind: string; bytes: Buffer }> = fc.oneof(
  wrongField.map(({ kind, text }) => ({ kind, bytes: Buffer.from(text) })),
  fc
    .integer({ min: 1, max: 100_000 })
    .map((d) => ({ kind: 'nested array', bytes: Buffer.from(nestedArray(d)) })),
  fc.integer({ min: 1, max: 100_000 }).map((d) => ({
    kind: 'nested object',
    bytes: Buffer.from('{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  })),
  fc.integer({ min: 1, max: 50_000 }).map((d) => ({
    kind: 'nested field',
    bytes: Buffer.from(`{"ts":${nestedArray(d)},"importWh":1}`),
  })),
  fc.integer({ min: 1, max: 50_000 }).map((d) => ({
    kind: 'nested element',
    bytes: Buffer.from(`[{"ts":${JSON.stringify(validTs)},"importWh":${nestedArray(d)}}]`),
  })),
  fc
    .constantFrom(
      '{"__proto__":{"importWh":1},"ts":"2026-11-29T18:15:00Z"}',
      '{"constructor":{"prototype":{"importWh":1}},"ts":"2026-11-29T18:15:00Z"}',
      '[{"__proto__":{"ts":0,"importWh":1}}]',
      '{"__proto__":null,"constructor":null,"toString":1,"ts":{},"importWh":1}',
    )
    .map((text) => ({ kind: 'prototype keys', bytes: Buffer.from(text) })),
  fc
    .constantFrom(
      '{"ts":0,"importWh":99999999999999999999999}',
      '{"ts":123456789012345678901234567890,"importWh":1}',
      `{"ts":0,"importWh":1${'0'.repeat(400)}}`,
      '{"ts":0,"importWh":1e308,"exportWh":1e309}',
    )
    .map((text) => ({ kind: 'huge number', bytes: Buffer.from(text) })),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.constantFrom('ts', 'meterId', 'x'))
    .map(([junk, field]) => ({
      kind: 'invalid utf-8',
      bytes: Buffer.concat([
        Buffer.from(`{"${field}":"`),
        Buffer.from([0xff, 0xc0, ...junk, 0xed, 0xa0, 0x80]),
        Buffer.from(field === 'x' ? '"}' : '","importWh":"?"}'),
      ]),
    })),
  fc
    .constantFrom(
      '{"ts":0,"importWh":1}\u0000',
      '\u0000{"ts":0,"importWh":1}',
      '{"ts":"2026-11-29T18:15:00Z\u0000","importWh":1}',
      '\u0000',
    )
    .map((text) => ({ kind: 'nul', bytes: Buffer.from(text) })),
  fc.integer({ min: 1001, max: 1100 }).map((n) => ({
    kind: 'too many elements',
    bytes: Buffer.from(
      JSON.stringify(Array.from({ length: n }, (_, i) => ({ ts: i * 60_000, importWh: i }))),
    ),
  })),
  fc.uint8Array({ maxLength: 2048 }).map((b) => ({ kind: 'random bytes', bytes: Buffer.from(b) })),
  fc
    .jsonValue({ maxDepth: 4 })
    .filter((v) => !Array.isArray(v))
    .map((v) => ({ kind: 'random json', bytes: Buffer.from(JSON.stringify(v) ?? 'null') })),
);

const badMeterId = fc.oneof(
  fc.constantFrom('', '-x', '.x', '_x', 'a b', 'ü', 'x'.repeat(65), 'a,b', 'a:b'),
  fc
    .string({ minLength: 1, maxLength: 8, unit: 'grapheme-ascii' })
    .filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s) && !/[/+#]/.test(s)),
);

/**
 * Hostile messages for `meterId`'s topic (a registered meter): wrong payloads, and valid readings
 * on topics that break the contract or name unknown meters. Each one, whatever it is, must end as
 * exactly one rejection and no reading. Topics avoid `+`, `#` and U+0000, which brokers refuse at
 * the protocol level (they never reach ingest).
 */
export function adversarialMessages(meterId: string): fc.Arbitrary<AdversarialMessage> {
  const valid = Buffer.from(reading({}));
  return fc.oneof(
    {
      weight: 6,
      arbitrary: payloads.map((p) => ({
        kind: p.kind,
        topic: `meters/${meterId}/readings`,
        payload: p.bytes,
      })),
    },
    {
      weight: 1,
      arbitrary: badMeterId.map((id) => ({
        kind: 'invalid topic',
        topic: `meters/${id}/readings`,
        payload: valid,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('extra', 'a/b', '', 'readings').map((tail) => ({
        kind: 'invalid topic',
        topic: `meters/${meterId}/readings/${tail}`,
        payload: valid,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.stringMatching(/^[a-z0-9]{1,12}$/).map((id) => ({
        kind: 'unknown meter',
        topic: `meters/${GHOST_PREFIX}${id}/readings`,
        payload: valid,
      })),
    },
  );
}

/** A fixed corpus: the same messages on every run, so failures reproduce. */
export function adversarialCorpus(
  meterId: string,
  count: number,
  seed: number,
): AdversarialMessage[] {
  return fc.sample(adversarialMessages(meterId), { seed, numRuns: count });
}
