import { parseMessage, type ParsedMessage } from './payload.js';
import { makeRejection } from './rejection.js';

/** The parser `parseTotally` guards: `parseMessage`, or a stand-in in tests. */
export type MessageParser = (topic: string, payload: Buffer, receivedAt: number) => ParsedMessage;

/** A message for an error of any shape; never throws, not even on a hostile `toString`. */
function describeError(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return 'an error that cannot be described';
  }
}

/**
 * Parse a message, and should parsing itself fail, record it as an `internal_error` rejection
 * instead of throwing. Throwing here would mean no PUBACK: the broker would redeliver the same
 * message forever and hold back every other meter behind it. Only a failed spool append may do
 * that, because it is the one failure a redelivery can cure.
 */
export function parseTotally(
  topic: string,
  payload: Buffer,
  receivedAt: number,
  parse: MessageParser = parseMessage,
): ParsedMessage {
  try {
    return parse(topic, payload, receivedAt);
  } catch (e) {
    return {
      readings: [],
      rejections: [
        makeRejection({
          reason: 'internal_error',
          detail: `handling the message failed: ${describeError(e)}`,
          meterId: null,
          topic,
          payload,
          receivedAt,
        }),
      ],
    };
  }
}
