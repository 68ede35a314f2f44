/**
 * Exact energy arithmetic. Consumption is computed in integer milli-watt-hours held as BigInt, so
 * that bucket values are exact differences and their sums telescope without rounding drift; it is
 * turned into a JS number of Wh only when it leaves the domain.
 */

/** Milli-Wh per Wh. */
const PER_WH = 1000n;

/**
 * A register value in Wh as exact milli-Wh. Registers are integers by contract; a fractional value
 * is rounded half-up to the nearest mWh rather than refused, since it has already been stored.
 */
export function whToMilliWh(wh: number): bigint {
  if (Number.isSafeInteger(wh)) return BigInt(wh) * PER_WH;
  if (!Number.isFinite(wh)) throw new RangeError(`not a finite register value: ${wh}`);
  return BigInt(Math.sign(wh) * Math.round(Math.abs(wh) * 1000));
}

/**
 * `num / den` rounded to the nearest integer, halves away from zero. `den` must be positive.
 */
export function divRoundHalfUp(num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new RangeError('divisor must be positive');
  const q = num / den; // truncates toward zero
  const r = num % den; // has the sign of num
  const twiceR = r < 0n ? -2n * r : 2n * r;
  if (twiceR < den) return q;
  return num < 0n ? q - 1n : q + 1n;
}

/** Exact decimal text of a milli-Wh amount in Wh with three decimals: `1234567n` → `"1234.567"`. */
export function formatMilliWh(mwh: bigint): string {
  const sign = mwh < 0n ? '-' : '';
  const abs = mwh < 0n ? -mwh : mwh;
  return `${sign}${abs / PER_WH}.${(abs % PER_WH).toString().padStart(3, '0')}`;
}

/** Beyond this many milli-Wh a BigInt no longer converts to a double exactly. */
const MAX_EXACT_MWH = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A milli-Wh amount as a number of Wh (at most three decimals): the double nearest to the exact
 * decimal, which prints back as that decimal. While the milli-Wh convert to a double exactly, one
 * correctly rounded division gives that double (the same rational, rounded once); beyond, the exact
 * decimal text is parsed. The division spares a string per bucket value on every request.
 */
export function milliWhToWh(mwh: bigint): number {
  const wh =
    mwh <= MAX_EXACT_MWH && mwh >= -MAX_EXACT_MWH ? Number(mwh) / 1000 : Number(formatMilliWh(mwh));
  return wh === 0 ? 0 : wh; // no -0 in JSON-bound output
}
