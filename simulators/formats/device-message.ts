import type { TsSource } from '../../src/formats/device-format.js';
import type { ExpectedReason } from '../injected-faults.js';
import type { ExpectedReading, SimReading } from '../wire-format.js';
import type { SimDevice } from './device.js';

/**
 * Device behaviour the simulator reproduces besides plain readings, counted in the report:
 * - `unsyncedClock`: a Tasmota whose clock was never set stamps `1970-01-01T…` (read at receipt);
 * - `ambiguousLocalTime`: a local time without offset inside the hour repeated in autumn (read at
 *   receipt);
 * - `repeatedState`: zigbee2mqtt publishing the same state again (one reading);
 * - `energyNull`: zigbee2mqtt publishing a state whose `energy` is null (rejected, `no_reading`).
 */
export const QUIRK_KINDS = [
  'unsyncedClock',
  'ambiguousLocalTime',
  'repeatedState',
  'energyNull',
] as const;

export type QuirkKind = (typeof QUIRK_KINDS)[number];

/**
 * What the receiver must make of one message: the reading it stores (registers as the device
 * reports them; `tsSource: received` when the message carries no time the format trusts, so that
 * the reading is stored at its time of receipt instead of `reading.ts`), or the rejection.
 */
export type MessageOutcome =
  | { readonly kind: 'stored'; readonly reading: ExpectedReading; readonly tsSource: TsSource }
  | { readonly kind: 'rejected'; readonly reason: ExpectedReason };

/** One MQTT message a device sends. */
export interface DeviceMessage {
  readonly topic: string;
  readonly payload: string;
  readonly outcome: MessageOutcome;
  readonly quirk?: QuirkKind | undefined;
}

/** What a renderer knows besides the reading. */
export interface RenderContext {
  readonly meterId: string;
  readonly device: SimDevice;
  /** The run's seed: quirks are hashes of (seed, meter, ts), reproducible like faults. */
  readonly seed: number;
  /** When the meter was installed (its counter's start), epoch ms. */
  readonly installedAt: number;
  /**
   * Whether the reading is the device's current state (sent at about its own time). Quirks that
   * lose the time happen only then: a backlog replayed later must keep its times.
   */
  readonly fresh: boolean;
}

/** A payload of the format that the receiver must reject, with the reason. */
export interface MalformedPayload {
  readonly payload: string;
  readonly reason: ExpectedReason;
}

/** How one device family writes a simulated meter's readings. */
export interface DeviceRenderer {
  /** The messages the device sends for one reading, in order (usually one). */
  render(reading: SimReading, ctx: RenderContext): DeviceMessage[];
  /** A broken payload of this family (`u` in [0, 1) picks the variant), and its rejection. */
  malformed(reading: SimReading, ctx: RenderContext, u: number): MalformedPayload;
}
