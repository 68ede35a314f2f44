import type { z } from 'zod';
import type { RejectionReason } from '../ingest/rejection.js';

/** The device formats a meter can be bound with (docs/formats/). */
export const DEVICE_FORMATS = [
  'wattledger',
  'tasmota',
  'shelly-gen2',
  'teleinfo',
  'dsmr-p1',
  'zigbee2mqtt',
] as const;

export type DeviceFormatName = (typeof DEVICE_FORMATS)[number];

/** Where a reading's time came from: the device's own clock, or the moment wattledger received it. */
export type TsSource = 'meter' | 'received';

/**
 * One reading as a device format reads it, before it is tied to a meter id. Registers are integer
 * Wh; `registers` keeps a multi-register meter's own counters by their device names (their sum is
 * `importWh`).
 */
export interface DeviceReading {
  readonly ts: number;
  readonly tsSource: TsSource;
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
  readonly registers?: Readonly<Record<string, number>> | undefined;
  /**
   * The device's own marker of when its counter started (Tasmota's `ENERGY.TotalStartTime`): a new
   * value means the counter was reset, so readings after it start a new register span.
   */
  readonly counterStart?: string | undefined;
}

/** What a format is told about the meter a message is for. */
export interface FormatMeter<S> {
  readonly id: string;
  /** The contract's IANA time zone: device local times without an offset are read in it. */
  readonly timezone: string;
  /** The format's options from the meter's `source` (without `topic` and `login`). */
  readonly source: S;
}

export interface FormatInput<S> {
  readonly topic: string;
  readonly payload: Buffer;
  readonly meter: FormatMeter<S>;
  /** Epoch ms: the time of a reading whose device sends none, or none to trust. */
  readonly receivedAt: number;
}

/** Why a message gave no reading, in the rejection vocabulary. */
export interface FormatRejection {
  readonly reason: RejectionReason;
  readonly detail: string;
}

export type FormatResult =
  | { readonly ok: true; readonly readings: readonly DeviceReading[] }
  | ({ readonly ok: false } & FormatRejection);

/**
 * A device format: a pure function from (topic, bytes, meter settings, receive time) to readings or
 * a rejection, plus what the broker ACL must let the device reach. `parse` must never throw: any
 * input ends as readings or a rejection with a reason.
 */
export interface DeviceFormat<S> {
  readonly name: Exclude<DeviceFormatName, 'wattledger'>;
  /**
   * The format's options in `source`, besides `topic` and `login` (strict: unknown keys refused).
   */
  readonly sourceSchema: z.ZodType<S>;
  /** Whether a topic is one this format's devices publish readings on (checked at binding). */
  checkTopic(topic: string): string | undefined;
  /**
   * The MQTT topic filters the device publishing on `topic` may publish and subscribe to: its own
   * tree (readings, status, command and last-will topics) and nothing else.
   */
  deviceTopics(topic: string): readonly string[];
  parse(input: FormatInput<S>): FormatResult;
}

export const rejectWith = (reason: RejectionReason, detail: string): FormatResult => ({
  ok: false,
  reason,
  detail,
});

export const readingsOf = (readings: readonly DeviceReading[]): FormatResult => ({
  ok: true,
  readings,
});
