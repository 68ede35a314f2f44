const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** Where one element of a top-level JSON array lies in the payload: `[start, end)` in bytes. */
export type ByteRange = readonly [start: number, end: number];

/**
 * The byte ranges of the elements of a top-level JSON array, so that a rejected element keeps its
 * bytes as received. Re-serialising the parsed element instead is not total: `JSON.parse` accepts
 * nesting that `JSON.stringify` overflows the stack on. One pass, no recursion, no allocation per
 * byte. Meant for payloads `JSON.parse` accepted; on anything else it returns undefined rather
 * than guess. Structural characters are ASCII and never part of a multi-byte UTF-8 sequence, so
 * scanning bytes is the same as scanning the decoded text.
 */
export function arrayElementRanges(bytes: Uint8Array): ByteRange[] | undefined {
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i]!)) i += 1;
  if (bytes[i] !== OPEN_BRACKET) return undefined;
  const ranges: [number, number][] = [];
  let depth = 1;
  let inString = false;
  let start = -1;
  let end = -1;
  for (i += 1; i < bytes.length; i += 1) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i += 1;
      else if (b === QUOTE) {
        inString = false;
        end = i + 1;
      }
      continue;
    }
    if (isSpace(b)) continue;
    if (depth === 1 && (b === COMMA || b === CLOSE_BRACKET)) {
      if (start >= 0) ranges.push([start, end]);
      start = -1;
      if (b === CLOSE_BRACKET) return ranges;
      continue;
    }
    if (depth === 1 && start < 0) start = i;
    if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACKET || b === OPEN_BRACE) depth += 1;
    else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) depth -= 1;
    end = i + 1;
  }
  return undefined;
}
