import { DEFAULT_COUNTER_RESETS } from '../../src/formats/counter-defaults.js';
import type { FaultPayloads } from '../fault-payloads.js';
import type { OutgoingItem } from '../injected-faults.js';
import type { PlannedMessage } from '../message-plan.js';
import type { SimReading } from '../wire-format.js';
import type { SimDevice } from './device.js';
import type { DeviceMessage, RenderContext } from './device-message.js';
import { rendererOf } from './renderers.js';

/** What planning needs to know about a meter speaking a device format. */
export interface DeviceSender {
  readonly meterId: string;
  readonly device: SimDevice;
  /** When its counter began (the meter's installation), epoch ms. */
  readonly installedAt: number;
  readonly seed: number;
  readonly intervalMs: number;
}

/** The planned messages of some readings, and how many readings could not be sent. */
export interface DevicePlan {
  readonly messages: PlannedMessage[];
  /**
   * Readings whose message would carry no time the format trusts, too old to be sent: stored at
   * receipt, they would land at the wrong time (a device without a clock cannot send a backlog).
   */
  readonly unsent: number;
}

const contextOf = (sender: DeviceSender, fresh: boolean): RenderContext => ({
  meterId: sender.meterId,
  device: sender.device,
  seed: sender.seed,
  installedAt: sender.installedAt,
  fresh,
});

/** The message of a rendering that carries the reading at the device's own time, if any. */
const timedMessage = (messages: readonly DeviceMessage[]): DeviceMessage | undefined =>
  messages.find((m) => m.outcome.kind === 'stored' && m.outcome.tsSource === 'meter');

/**
 * A reading is fresh when it is the device's current state: taken at most one interval before it is
 * sent, not after. Only then may its message go without a time (the receiver's clock stands in).
 */
export const isFresh = (ts: number, sendingNow: number, intervalMs: number): boolean =>
  ts <= sendingNow && sendingNow - ts < intervalMs;

/**
 * Turn one meter's outgoing items into its device's messages, in order: one message per reading
 * (a device never sends arrays), the family's extra messages around it, and each faulty single
 * right after the reading it came from.
 */
export function planDeviceMessages(
  sender: DeviceSender,
  items: readonly OutgoingItem[],
  sendingNow: number,
): DevicePlan {
  const renderer = rendererOf(sender.device.format);
  const { topic } = sender.device;
  const messages: PlannedMessage[] = [];
  let unsent = 0;
  for (const item of items) {
    if (item.kind === 'single') {
      messages.push({
        meterId: sender.meterId,
        topic,
        payload: item.payload,
        readings: [],
        array: false,
        fault: item.fault,
      });
      continue;
    }
    const fresh = isFresh(item.reading.ts, sendingNow, sender.intervalMs);
    for (const m of renderer.render(item.reading, contextOf(sender, fresh))) {
      const { outcome } = m;
      const atReceipt = outcome.kind === 'stored' && outcome.tsSource === 'received';
      if (atReceipt && !fresh) {
        unsent += 1;
        continue;
      }
      messages.push({
        meterId: sender.meterId,
        topic: m.topic,
        payload: m.payload,
        readings: outcome.kind === 'stored' && !atReceipt ? [outcome.reading] : [],
        atReceipt: atReceipt ? [outcome.reading] : undefined,
        array: false,
        quirk:
          m.quirk === undefined
            ? undefined
            : {
                kind: m.quirk,
                expectedReason: outcome.kind === 'rejected' ? outcome.reason : undefined,
              },
      });
    }
  }
  return { messages, unsent };
}

/**
 * A meter's faulty messages in its device's format. A fault whose message the format would read at
 * receipt, or not as a lower register, is not injected (undefined): the receiver could not be
 * expected to reject it for that reason. Nor is a register decrease on a family whose meters take a
 * lower counter for a restarted one by default (`counterResets: new-span`): it would be stored as
 * the start of a new span.
 */
export function deviceFaultPayloads(sender: DeviceSender): FaultPayloads {
  const renderer = rendererOf(sender.device.format);
  const stale = contextOf(sender, false);
  const timedOf = (r: SimReading) => timedMessage(renderer.render(r, stale));
  // A winter noon: no clock change near it, whatever the zone's rules.
  const probe: SimReading = {
    meterId: sender.meterId,
    ts: Date.UTC(2026, 0, 15, 12),
    importWh: 0,
    powerW: 0,
  };
  return {
    timed: timedOf(probe) !== undefined,
    malformed: (r, u) => renderer.malformed(r, stale, u),
    registerDecrease(r, ts, importWh) {
      // Where a lower counter means the device restarted it (a new span, stored), by default.
      if (DEFAULT_COUNTER_RESETS[sender.device.format] === 'new-span') return undefined;
      const current = timedOf(r);
      if (current?.outcome.kind !== 'stored') return undefined;
      const shown = current.outcome.reading.importWh;
      // The device's own resolution may hide a small decrease: go one step (10 Wh) below it.
      for (const wh of [importWh, shown - 10]) {
        if (wh < 0) continue;
        const lower = timedOf({ ...r, ts, importWh: wh, exactImportWh: undefined });
        if (lower?.outcome.kind === 'stored' && lower.outcome.reading.importWh < shown)
          return lower.payload;
      }
      return undefined;
    },
    skewed: (r, ts) =>
      timedOf({ ...r, ts, exactImportWh: undefined, exactExportWh: undefined })?.payload,
  };
}
