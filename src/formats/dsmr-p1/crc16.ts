/**
 * CRC-16/ARC (polynomial x^16 + x^15 + x^2 + 1, reflected 0xA001, initial value 0, no final XOR),
 * the checksum a DSMR 4/5 meter writes after the `!` of its P1 telegram, computed over the bytes
 * from `/` up to and including `!`.
 */
export function crc16Arc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** A CRC as the four upper-case hex digits a telegram carries. */
export const crcText = (crc: number): string => crc.toString(16).toUpperCase().padStart(4, '0');
