import { z } from 'zod';
import { describeZodIssues } from '../../shared/zod-issues.js';
import { isAbsent, isObject } from '../shared/json-payload.js';
import { fail, ok, type Parsed } from '../shared/parsed.js';

const key = z.string().min(1).max(64);

/**
 * The tasmota format's options in `source`. `sensor` names the JSON group of a Smart Meter
 * Interface (SML) script (the `<jsonPrefix>` of its `+1,...` line, e.g. `SML`); `fields` renames the
 * keys read in that group; `energyUnit` is the unit the script scales its energy values to.
 */
export const tasmotaSourceSchema = z
  .strictObject({
    sensor: key.optional(),
    fields: z
      .strictObject({ import: key.optional(), export: key.optional(), power: key.optional() })
      .optional(),
    energyUnit: z.enum(['kWh', 'Wh']).optional(),
  })
  .refine((s) => s.sensor !== undefined || (s.fields === undefined && s.energyUnit === undefined), {
    message: 'fields and energyUnit describe the group named by sensor: set sensor too',
  });

export type TasmotaSource = z.infer<typeof tasmotaSourceSchema>;

/** The group a meter is read from when its device sends no TIC object, with every default filled. */
export interface SensorGroup {
  readonly name: string;
  readonly importField: string;
  readonly exportField: string;
  readonly powerField: string;
  readonly energyUnit: 'kWh' | 'Wh';
}

/**
 * The options a message is read with: the configured sensor group (defaults `Total_in`,
 * `Total_out`, `Power_curr`, kWh, as in the Smart Meter Interface examples), or none, in which case
 * the device's ENERGY object is read. A stored source that no longer fits the schema rejects the
 * message rather than guessing.
 */
export function resolveSource(source: unknown): Parsed<SensorGroup | undefined> {
  if (!isObject(source)) return readSource(source);
  // Ingest hands every message of a meter the same options object: read it once.
  let resolved = RESOLVED.get(source);
  if (resolved === undefined) {
    resolved = readSource(source);
    RESOLVED.set(source, resolved);
  }
  return resolved;
}

/** Options objects already read, forgotten with them (a binding refresh makes new ones). */
const RESOLVED = new WeakMap<object, Parsed<SensorGroup | undefined>>();

function readSource(source: unknown): Parsed<SensorGroup | undefined> {
  // topic and login belong to the binding, not to this format: tolerated should a caller pass them.
  const { topic: _topic, login: _login, ...options } = isObject(source) ? source : {};
  const parsed = tasmotaSourceSchema.safeParse(
    isObject(source) || isAbsent(source) ? options : source,
  );
  if (!parsed.success) {
    return fail('invalid_schema', `source options: ${describeZodIssues(parsed.error.issues)}`);
  }
  const s = parsed.data;
  if (s.sensor === undefined) return ok(undefined);
  return ok({
    name: s.sensor,
    importField: s.fields?.import ?? 'Total_in',
    exportField: s.fields?.export ?? 'Total_out',
    powerField: s.fields?.power ?? 'Power_curr',
    energyUnit: s.energyUnit ?? 'kWh',
  });
}
