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
}

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
});

/** Check a meter's source against its format (a refinement of `meterFieldsSchema`). */
export const refineMeterSource = (
  m: Pick<z.output<typeof meterFieldsSchema>, 'format' | 'source'>,
  ctx: z.RefinementCtx,
): void => checkSource(m.format, m.source, ctx);

export const newMeterSchema = meterFieldsSchema.superRefine(refineMeterSource);

export type NewMeter = z.input<typeof newMeterSchema>;
export type ParsedMeter = z.output<typeof newMeterSchema>;
