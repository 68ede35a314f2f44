import { describe, expect, it } from 'vitest';
import { kwhTextToWh, whToKwhText } from '../../web/src/customer/reading-index.js';

// The index a customer types goes to the API in whole Wh, digit by digit: never through
// `kWh * 1000` in binary floating point.
describe('the index typed in the meter reading form', () => {
  it.each([
    ['12345', 12_345_000],
    ['12345.678', 12_345_678],
    ['128.0245', undefined],
    ['128.024', 128_024],
    ['0.5', 500],
    ['7.', 7000],
    [' 12 345,6 ', 12_345_600],
    ['12\u202f345.1', 12_345_100],
    ['999999999999.999', 999_999_999_999_999],
  ])('%j is %s Wh', (text, wh) => {
    const got = kwhTextToWh(text);
    if (wh === undefined) expect(got).toHaveProperty('problem');
    else expect(got).toEqual({ wh });
  });

  it.each(['', '  ', 'twelve', '-5', '1e3', '1.2.3', '0x10', '1,234.5'])(
    '%j is refused with a reason',
    (text) => {
      expect(kwhTextToWh(text)).toEqual({ problem: expect.any(String) });
    },
  );

  it('shows Wh as the kWh a display shows, exactly', () => {
    expect(whToKwhText(12_345_678)).toBe('12345.678');
    expect(whToKwhText(500)).toBe('0.500');
    expect(whToKwhText(0)).toBe('0.000');
    expect(kwhTextToWh(whToKwhText(128_025))).toEqual({ wh: 128_025 });
  });
});
