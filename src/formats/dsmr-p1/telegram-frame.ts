import { fail, ok, type Parsed } from '../shared/parsed.js';
import { crc16Arc, crcText } from './crc16.js';

/** A P1 telegram is a few kilobytes at most; anything far larger is not one. */
export const MAX_TELEGRAM_BYTES = 64 * 1024;

const SLASH = 0x2f;
const BANG = 0x21;
const CR = 0x0d;
const LF = 0x0a;

/** The telegram between `/` and `!`, once its frame and checksum are sound. */
export interface TelegramFrame {
  /**
   * The text from the identification line (`/…`) up to the `!`, line ends included (CRLF as sent,
   * or LF or CR alone where a bridge rewrote them).
   */
  readonly body: string;
  /** Whether the telegram carried a CRC (DSMR 4 and 5 do; 2.2 and 3 end with a bare `!`). */
  readonly checked: boolean;
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === CR || b === LF;

/**
 * Find the telegram in a payload: optional whitespace, `/`, the data lines, `!`, an optional CRC of
 * four hex digits, optional whitespace, nothing else (a second telegram in one message would
 * otherwise be dropped without a trace). The text is read byte for byte (latin1), since the CRC
 * is over the bytes and a telegram is ASCII.
 */
export function readFrame(payload: Buffer): Parsed<TelegramFrame> {
  if (payload.length > MAX_TELEGRAM_BYTES) {
    return fail(
      'invalid_schema',
      `payload of ${payload.length} bytes is larger than a P1 telegram`,
    );
  }
  let start = 0;
  while (start < payload.length && isSpace(payload[start]!)) start++;
  if (payload[start] !== SLASH) {
    return fail('invalid_schema', "not a P1 telegram: it does not start with '/'");
  }
  const bang = payload.indexOf(BANG, start);
  if (bang < 0) return fail('invalid_schema', "telegram has no end mark '!' (cut short?)");
  let lineEnd = bang + 1;
  while (lineEnd < payload.length && payload[lineEnd] !== CR && payload[lineEnd] !== LF) lineEnd++;
  const crcField = payload.toString('latin1', bang + 1, lineEnd).trim();
  for (let i = lineEnd; i < payload.length; i++) {
    if (!isSpace(payload[i]!)) {
      return fail(
        'invalid_schema',
        "text after the telegram's end line (one telegram per message)",
      );
    }
  }
  if (crcField !== '' && !/^[0-9A-Fa-f]{4}$/.test(crcField)) {
    return fail(
      'invalid_schema',
      `checksum after '!' is not four hex digits: '${crcField.slice(0, 16)}'`,
    );
  }
  if (crcField !== '') {
    const expected = Number.parseInt(crcField, 16);
    const actual = crc16Arc(payload, start, bang + 1);
    // The telegram with its line ends restored is checked only when the one as sent fails.
    if (actual !== expected && crcWithCrlf(payload, start, bang + 1) !== expected) {
      return fail(
        'invalid_checksum',
        `CRC16 ${crcText(actual)} computed from '/' to '!' does not match the telegram's ${crcField.toUpperCase()}`,
      );
    }
  }
  return ok({ body: payload.toString('latin1', start, bang), checked: crcField !== '' });
}

/**
 * The CRC of the telegram with bare LF line ends turned back into CRLF: the meter computes its
 * CRC over CRLF lines, and a bridge that rewrites line ends would otherwise fail every telegram.
 */
function crcWithCrlf(payload: Buffer, start: number, end: number): number | undefined {
  const text = payload.toString('latin1', start, end);
  if (!text.includes('\n') || text.includes('\r')) return undefined;
  return crc16Arc(Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'));
}
