import { z } from 'zod';
import { boundedInstantSchema, MAX_POWER_W_LIMIT } from './input-rules.js';

/** Meter ids as the MQTT contract allows them in topics. */
export const METER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Meter {
  readonly id: string;
  readonly contractId: string | null;
  /** Epoch ms: readings before it are rejected. */
  readonly installedAt: number;
  /** Readings implying more power than this are implausible; null means the configured default. */
  readonly maxPowerW: number | null;
}

export const newMeterSchema = z.strictObject({
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
});

export type NewMeter = z.input<typeof newMeterSchema>;
export type ParsedMeter = z.output<typeof newMeterSchema>;
