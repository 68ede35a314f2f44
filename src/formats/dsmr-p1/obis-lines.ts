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

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const OPEN = 0x28;
const CLOSE = 0x29;
const ZERO = 0x30;
const NINE = 0x39;
const ONE = 0x31;
const TWO = 0x32;
const SEVEN = 0x37;
const EIGHT = 0x38;

// The OBIS names of registers 0 to 99, built once: a telegram's lines then cost no string building.
const namesOf = (prefix: string) => Array.from({ length: 100 }, (_, n) => `${prefix}${n}`);
const IMPORT_NAMES = namesOf('1.8.');
const EXPORT_NAMES = namesOf('2.8.');

/**
 * Pick the lines this format reads out of a telegram's body (its lines ended by CRLF, LF or CR):
 * electricity channel 0's energy registers `1-0:1.8.N` / `1-0:2.8.N` (N of one or two digits) and
 * instant power `1-0:1.7.0` / `1-0:2.7.0`, and the clock `0-0:1.0.0`, each with the text of its
 * first value group (up to the first `)` on the line; a line without one is not read). Every other
 * line (equipment ids, voltages, gas and other M-Bus channels, event logs, continuation lines of
 * DSMR 2.2 gas values) is ignored. A register or clock line given twice makes the telegram
 * ambiguous: refused. Read character by character where each line begins: most lines are skipped
 * on their first characters, and nothing is cut out but the values.
 */
export function readObisLines(body: string): ObisResult {
  const imports = new Map<string, string>();
  const exports = new Map<string, string>();
  let powerIn: string | undefined;
  let powerOut: string | undefined;
  let time: string | undefined;
  for (let at = 0; at < body.length; at = nextLine(body, at)) {
    if (body.startsWith('0-0:1.0.0(', at)) {
      const value = valueGroup(body, at + 9);
      if (value === undefined) continue;
      if (time !== undefined) return twice('0-0:1.0.0');
      time = value;
      continue;
    }
    if (!body.startsWith('1-0:', at)) continue;
    // D.K.N( after `1-0:`: direction 1 or 2, kind 7 or 8, N of one or two digits.
    const direction = body.charCodeAt(at + 4);
    const kind = body.charCodeAt(at + 6);
    if (
      (direction !== ONE && direction !== TWO) ||
      body.charCodeAt(at + 5) !== DOT ||
      (kind !== SEVEN && kind !== EIGHT) ||
      body.charCodeAt(at + 7) !== DOT
    )
      continue;
    let i = at + 8;
    let index = 0;
    for (; i < at + 11; i++) {
      const c = body.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      index = index * 10 + (c - ZERO);
    }
    const digits = i - (at + 8);
    if (digits === 0 || digits > 2) continue;
    const value = valueGroup(body, i);
    if (value === undefined) continue;
    if (kind === EIGHT) {
      const registers = direction === ONE ? imports : exports;
      const name = (direction === ONE ? IMPORT_NAMES : EXPORT_NAMES)[index]!;
      if (registers.has(name)) return twice(`1-0:${name}`);
      registers.set(name, value);
    } else if (index === 0) {
      if (direction === ONE) {
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

/**
 * The text of the value group whose `(` is at `open`, up to the first `)`; undefined when there is
 * no `(` there, or the line (or the body) ends before a `)`.
 */
function valueGroup(body: string, open: number): string | undefined {
  if (body.charCodeAt(open) !== OPEN) return undefined;
  for (let i = open + 1; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === CLOSE) return body.slice(open + 1, i);
    if (c === CR || c === LF) return undefined;
  }
  return undefined;
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
