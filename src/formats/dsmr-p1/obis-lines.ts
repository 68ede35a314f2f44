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
// value group is the text up to the first ')' on the line. Sticky: each is tried where a line
// begins, on the whole body, so no line is cut out of it.
const ELECTRICITY_LINE = /1-0:([12])\.([78])\.(\d{1,2})\(([^)\r\n]*)\)/y;
const TIME_LINE = /0-0:1\.0\.0\(([^)\r\n]*)\)/y;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Pick the lines this format reads out of a telegram's body (its lines ended by CRLF, LF or CR).
 * Every other line (equipment ids, voltages, gas and other M-Bus channels, event logs, continuation
 * lines of DSMR 2.2 gas values) is ignored. A register or clock line given twice makes the telegram
 * ambiguous: refused.
 */
export function readObisLines(body: string): ObisResult {
  const imports = new Map<string, string>();
  const exports = new Map<string, string>();
  let powerIn: string | undefined;
  let powerOut: string | undefined;
  let time: string | undefined;
  for (let at = 0; at < body.length; at = nextLine(body, at)) {
    // Most lines are neither: a prefix check spares them both patterns.
    if (body.startsWith('0-0:1.0.0(', at)) {
      TIME_LINE.lastIndex = at;
      const time1 = TIME_LINE.exec(body);
      if (time1 === null) continue;
      if (time !== undefined) return twice('0-0:1.0.0');
      time = time1[1]!;
      continue;
    }
    if (!body.startsWith('1-0:', at)) continue;
    ELECTRICITY_LINE.lastIndex = at;
    const m = ELECTRICITY_LINE.exec(body);
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

/** Where the line after the one at `at` begins (past its CRLF, LF or CR), or the body's length. */
function nextLine(body: string, at: number): number {
  let i = at;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return body.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
    i += 1;
  }
  return i;
}

const twice = (obis: string): ObisResult => ({
  ok: false,
  detail: `${obis}: the line appears more than once`,
});
