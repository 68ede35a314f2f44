import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayElementRanges } from './array-elements.js';

const slices = (text: string) =>
  arrayElementRanges(Buffer.from(text))?.map(([s, e]) =>
    Buffer.from(text).subarray(s, e).toString(),
  );

describe('arrayElementRanges', () => {
  it('finds each element with its own bytes, strings and nesting included', () => {
    expect(slices(' [ 1 , "a,]\\"[" ,{"b":[1,{}]}, [[]] ,null]')).toEqual([
      '1',
      '"a,]\\"["',
      '{"b":[1,{}]}',
      '[[]]',
      'null',
    ]);
    expect(slices('[]')).toEqual([]);
    expect(slices('["ü€😀"]')).toEqual(['"ü€😀"']);
  });

  it('refuses what is not an array rather than guess', () => {
    expect(arrayElementRanges(Buffer.from('{"a":1}'))).toBeUndefined();
    expect(arrayElementRanges(Buffer.from('[1,2'))).toBeUndefined();
    expect(arrayElementRanges(Buffer.from(''))).toBeUndefined();
  });

  it('scans 100,000 levels of nesting without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(arrayElementRanges(Buffer.from(deep))).toEqual([[1, deep.length - 1]]);
  });

  it('agrees with JSON.parse on any JSON array, however it is laid out', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.constantFrom(undefined, 0, 1, 2, '\t', ' \r\n'),
        (value, indent) => {
          const text = JSON.stringify(value, null, indent);
          const got = slices(text)?.map((s) => JSON.parse(s) as unknown);
          expect(got).toEqual(JSON.parse(text));
        },
      ),
      { seed: 20261129, numRuns: 300 },
    );
  });
});
