import type { ExpectedReason, InjectedFault, OutgoingItem } from './injected-faults.js';
import type { TimestampFormat } from './fleet.js';
import type { QuirkKind } from './formats/device-message.js';
import {
  readingTopic,
  toWireReading,
  type ExpectedReading,
  type SimReading,
} from './wire-format.js';

/** The MQTT contract's limit on readings per message. */
export const MAX_READINGS_PER_MESSAGE = 1000;

/** One MQTT message to publish. */
export interface PlannedMessage {
  readonly meterId: string;
  readonly topic: string;
  readonly payload: string;
  /**
   * The readings the receiver must store at their own time (empty for a faulty single): the
   * simulated readings, or what a device format reports of them.
   */
  readonly readings: readonly ExpectedReading[];
  /**
   * Readings the receiver must store at its time of receipt: a device message without a time the
   * format trusts (none, a clock never set, a local time in the repeated autumn hour).
   */
  readonly atReceipt?: readonly ExpectedReading[] | undefined;
  /** True when the payload is a JSON array (a backlog). */
  readonly array: boolean;
  /** The fault this message is, for faulty singles. */
  readonly fault?: InjectedFault | undefined;
  /** The device quirk this message shows, and the rejection it must get when it carries none. */
  readonly quirk?:
    { readonly kind: QuirkKind; readonly expectedReason?: ExpectedReason | undefined } | undefined;
}

/** What the planner needs to know about the sending meter. */
export interface SenderFormat {
  readonly meterId: string;
  readonly tsFormat: TimestampFormat;
  readonly utcOffsetMinutes: number;
}

/**
 * Turn one meter's outgoing items into messages.
 * Live: one message per item, in order. Backlog: all readings as arrays of at most
 * `maxPerMessage` (in order), then the faulty singles. A faulty single always travels alone, so it
 * can never spoil valid readings that would share its message; sending it after the arrays keeps
 * it after the reading it was derived from (a register decrease must follow its higher reading).
 */
export function planMessages(
  sender: SenderFormat,
  items: readonly OutgoingItem[],
  backlog: boolean,
  maxPerMessage: number = MAX_READINGS_PER_MESSAGE,
): PlannedMessage[] {
  const topic = readingTopic(sender.meterId);
  const wire = (r: SimReading) => toWireReading(r, sender.tsFormat, sender.utcOffsetMinutes);
  const single = (item: OutgoingItem): PlannedMessage =>
    item.kind === 'single'
      ? {
          meterId: sender.meterId,
          topic,
          payload: item.payload,
          readings: [],
          array: false,
          fault: item.fault,
        }
      : {
          meterId: sender.meterId,
          topic,
          payload: JSON.stringify(wire(item.reading)),
          readings: [item.reading],
          array: false,
        };
  if (!backlog) return items.map(single);

  const out: PlannedMessage[] = [];
  const run = items.flatMap((i) => (i.kind === 'reading' ? [i.reading] : []));
  for (let i = 0; i < run.length; i += maxPerMessage) {
    const chunk = run.slice(i, i + maxPerMessage);
    out.push({
      meterId: sender.meterId,
      topic,
      payload: JSON.stringify(chunk.map(wire)),
      readings: chunk,
      array: true,
    });
  }
  for (const item of items) if (item.kind === 'single') out.push(single(item));
  return out;
}
