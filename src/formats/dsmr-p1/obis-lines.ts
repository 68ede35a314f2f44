/**
 * The lines of a telegram this format reads, by OBIS reference, each with the text of its first
 * value group: `1-0:1.8.1(001581.123*kWh)` gives `1.8.1 -> "001581.123*kWh"`.
 */
export interface ObisValues {
  /** Import registers `1-0:1.8.N` by their OBIS name `1.8.N` (`1.8.0` the total). */
  readonly imports: ReadonlyMap<string, string>;
  /** Export registers `1-0:2.8.N` by their OBIS name `2.8.N`. */
  readonly exports: ReadonlyMap<string, string>;
  /** `1-0:1.7.0`, active power imported. */
  readonly powerIn?: string;
  /** `1-0:2.7.0`, active power exported. */
  readonly powerOut?: string;
  /** `0-0:1.0.0`, the meter's clock as YYMMDDhhmmssX. */
  readonly time?: string;
}

export type ObisResult =
  | { readonly ok: true; readonly values: ObisValues }
  | { readonly ok: false; readonly detail: string };

// Electricity, channel 0: energy registers 1.8.N / 2.8.N and instant power 1.7.0 / 2.7.0. The
// value group is the text up to the first ')'.
const ELECTRICITY_LINE = /^1-0:([12])\.([78])\.(\d{1,2})\(([^)]*)\)/;
const TIME_LINE = /^0-0:1\.0\.0\(([^)]*)\)/;

/**
 * Pick the lines this format reads out of a telegram's lines. Every other line (equipment ids,
 * voltages, gas and other M-Bus channels, event logs, continuation lines of DSMR 2.2 gas values)
 * is ignored. A register or clock line given twice makes the telegram ambiguous: refused.
 */
export function readObisLines(lines: readonly string[]): ObisResult {
  const imports = new Map<string, string>();
  const exports = new Map<string, string>();
  let powerIn: string | undefined;
  let powerOut: string | undefined;
  let time: string | undefined;
  for (const line of lines) {
    // Most lines are neither: a prefix check spares them both patterns.
    if (!line.startsWith('1-0:') && !line.startsWith('0-0:1.0.0(')) continue;
    const time1 = TIME_LINE.exec(line);
    if (time1 !== null) {
      if (time !== undefined) return twice('0-0:1.0.0');
      time = time1[1]!;
      continue;
    }
    const m = ELECTRICITY_LINE.exec(line);
    if (m === null) continue;
    const [, direction, kind, index, value] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const name = `${direction}.${kind}.${Number(index)}`;
    if (kind === '8') {
      const registers = direction === '1' ? imports : exports;
      if (registers.has(name)) return twice(`1-0:${name}`);
      registers.set(name, value);
    } else if (index === '0') {
      if (direction === '1') {
        if (powerIn !== undefined) return twice('1-0:1.7.0');
        powerIn = value;
      } else {
        if (powerOut !== undefined) return twice('1-0:2.7.0');
        powerOut = value;
      }
    }
  }
  return { ok: true, values: { imports, exports, powerIn, powerOut, time } };
}

const twice = (obis: string): ObisResult => ({
  ok: false,
  detail: `${obis}: the line appears more than once`,
});
