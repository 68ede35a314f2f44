/**
 * Exact arithmetic on the API's money strings ("48.27", "-3.10"): compared and added as integers
 * of their smallest digit, never through binary floating point. DOM-free, so the unit tests run it
 * under Node.
 */

const MONEY = /^(-?)(\d+)(?:\.(\d+))?$/;

function parse(s: string): { units: bigint; digits: number } {
  const m = MONEY.exec(s);
  if (m === null) throw new RangeError(`not a money amount: ${JSON.stringify(s)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] === '-' ? -units : units, digits: fraction.length };
}

const scaled = (x: { units: bigint; digits: number }, digits: number): bigint =>
  x.units * 10n ** BigInt(digits - x.digits);

/** -1, 0 or 1 as `a` is below, equal to or above `b`. */
export function compareMoney(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const d = Math.max(x.digits, y.digits);
  const diff = scaled(x, d) - scaled(y, d);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** The exact sum of amounts, with as many decimals as the most precise of them. */
export function addMoney(...amounts: readonly string[]): string {
  const xs = amounts.map(parse);
  const d = Math.max(0, ...xs.map((x) => x.digits));
  const total = xs.reduce((s, x) => s + scaled(x, d), 0n);
  const sign = total < 0n ? '-' : '';
  const digits = (total < 0n ? -total : total).toString().padStart(d + 1, '0');
  return d === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -d)}.${digits.slice(-d)}`;
}
