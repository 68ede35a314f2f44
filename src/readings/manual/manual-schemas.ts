import { z } from 'zod';
import {
  boundedInstantSchema,
  NO_CONTROL_MESSAGE,
  noControlCharacters,
} from '../../fleet/input-rules.js';

const register = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(noControlCharacters, NO_CONTROL_MESSAGE);

/**
 * `POST /v1/meters/{id}/readings`: an index read off the meter by a person at `ts`, as its display
 * shows it (Wh), with an optional note (where the meter is, why it was read).
 */
export const peopleReadingSchema = z.strictObject({
  ts: boundedInstantSchema,
  importWh: register,
  exportWh: register.optional(),
  note: text(500).optional(),
});

/**
 * `POST /v1/meters/{id}/corrections`: the value a reading at `ts` should have had, and why. Without
 * `exportWh` the stored export register is kept.
 */
export const correctionSchema = z.strictObject({
  ts: boundedInstantSchema,
  importWh: register,
  exportWh: register.optional(),
  reason: text(500),
});

export type PeopleReadingInput = z.output<typeof peopleReadingSchema>;
export type CorrectionInput = z.output<typeof correctionSchema>;
