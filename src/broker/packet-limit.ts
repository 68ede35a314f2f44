import type { Client } from 'aedes';

/** The part of mqtt-packet's parser (aedes' `client._parser`) the limit hooks into. */
interface LengthParser {
  packet: { length: number };
  _parseLength(): boolean;
}

const hasLengthParser = (v: unknown): v is { _parser: LengthParser } => {
  if (typeof v !== 'object' || v === null || !('_parser' in v)) return false;
  const p: unknown = v._parser;
  return typeof p === 'object' && p !== null && '_parseLength' in p && 'packet' in p;
};

/** Bytes of the fixed header for a remaining length: type byte plus the variable-length integer. */
const headerBytes = (remaining: number): number =>
  1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4);

/**
 * Refuse MQTT packets larger than `maxBytes` (whole packet, fixed header included, as Mosquitto's
 * `max_packet_size` counts) on one aedes connection. aedes has no such option and buffers a packet
 * whole before parsing it, so the check runs as soon as the fixed header announces the length:
 * the connection is closed before the body is read, and an oversize packet costs no memory.
 * Throws at start when the aedes/mqtt-packet internals it relies on are not there, rather than
 * silently not limiting.
 */
export function limitPacketSize(
  client: Client,
  maxBytes: number,
  onOversize: (bytes: number) => void,
): void {
  if (!hasLengthParser(client))
    throw new Error('aedes client has no mqtt-packet parser to limit: check the aedes version');
  const parser = client._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const done = parseLength();
    if (!done) return false;
    const bytes = parser.packet.length + headerBytes(parser.packet.length);
    if (bytes <= maxBytes) return true;
    onOversize(bytes);
    client.conn.destroy();
    return false;
  };
}
