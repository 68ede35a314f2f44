import { z } from 'zod';
import { boundedInstantSchema } from '../input-rules.js';
import { meterFieldsSchema, refineMeterSource } from '../meter.js';

const register = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** An index read off a meter: its registers as the device shows them, in Wh. */
export const indexSchema = z.strictObject({ importWh: register, exportWh: register.optional() });

/**
 * `POST /v1/meters/{id}/exchange`: the old meter ends at `at` with its final index, the new one
 * starts there with its start index, on the same contract. The new meter takes the fields of
 * `POST /v1/meters` (its device format and source, counter rules) but not the contract or the
 * installation time, which the exchange fixes.
 */
export const exchangeSchema = z.strictObject({
  // On an interval edge: billing prices quarter hours, and one meter must own each of them whole.
  at: boundedInstantSchema.refine((t) => t % 900_000 === 0, {
    message: 'must be on a quarter hour (:00, :15, :30 or :45)',
  }),
  finalIndex: indexSchema,
  newMeter: meterFieldsSchema
    .omit({ contractId: true, installedAt: true })
    .extend({ startIndex: indexSchema })
    .superRefine(refineMeterSource),
});

export type ExchangeInput = z.input<typeof exchangeSchema>;
export type ParsedExchange = z.output<typeof exchangeSchema>;
