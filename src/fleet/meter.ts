import { z } from 'zod';
import type { DeviceFormatName } from '../formats/device-format.js';
import { boundedInstantSchema, MAX_POWER_W_LIMIT } from './input-rules.js';
import {
  checkSource,
  meterFormatSchema,
  meterSourceSchema,
  type MeterSource,
} from './meter-source.js';

/** Meter ids as the MQTT contract allows them in topics. */
export const METER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Meter {
  readonly id: string;
  readonly contractId: string | null;
  /** Epoch ms: readings before it are rejected. */
  readonly installedAt: number;
  /** Readings implying more power than this are implausible; null means the configured default. */
  readonly maxPowerW: number | null;
  /** How its device speaks; `wattledger` publishes on `meters/{id}/readings`. */
  readonly format: DeviceFormatName;
  /** The device's topic, login and format options; null for a plain wattledger meter. */
  readonly source: MeterSource | null;
  /** The MQTT username of its device: `source.login`, else the meter id. */
  readonly login: string;
  /** A register going down: a rejection (`reject`) or a restarted counter (`new-span`). */
  readonly counterResets: 'reject' | 'new-span';
  /** Where the register wraps to 0, or null when it does not. */
  readonly registerMaxWh: number | null;
  /** A dip up to this many Wh is rounding: the index holds. */
  readonly decreaseToleranceWh: number;
  /** Epoch ms: when an exchange took the meter out; null while in service. */
  readonly removedAt: number | null;
}

/** The rules of a meter's registers, settable on creation and by staff later. */
export const counterRulesSchema = {
  counterResets: z
    .enum(['reject', 'new-span'])
    .optional()
    .describe(
      'A register going down: `reject` (a rejection) or `new-span` (the counter restarted from 0). Default per format: `new-span` for tasmota, shelly-gen2 and zigbee2mqtt, `reject` otherwise.',
    ),
  registerMaxWh: z
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .nullish()
    .transform((v) => v ?? null),
  decreaseToleranceWh: z.number().int().min(0).max(1_000_000).optional(),
};

/** A new meter's fields, before the source is checked against the format (`newMeterSchema`). */
export const meterFieldsSchema = z.strictObject({
  id: z.string().regex(METER_ID_RE, 'meter id must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  contractId: z
    .string()
    .min(1)
    .max(64)
    .nullish()
    .transform((v) => v ?? null),
  installedAt: boundedInstantSchema,
  maxPowerW: z
    .number()
    .positive()
    .finite()
    .max(MAX_POWER_W_LIMIT, `must be at most ${MAX_POWER_W_LIMIT} W (10 MW)`)
    .nullish()
    .transform((v) => v ?? null),
  format: meterFormatSchema,
  source: meterSourceSchema,
  ...counterRulesSchema,
});

/** Check a meter's source against its format (a refinement of `meterFieldsSchema`). */
export const refineMeterSource = (
  m: Pick<z.output<typeof meterFieldsSchema>, 'format' | 'source'>,
  ctx: z.RefinementCtx,
): void => checkSource(m.format, m.source, ctx);

export const newMeterSchema = meterFieldsSchema.superRefine(refineMeterSource);

export type NewMeter = z.input<typeof newMeterSchema>;
export type ParsedMeter = z.output<typeof newMeterSchema>;
