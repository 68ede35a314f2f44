import { powerW, whToWh } from '../decimal-units.js';
import { isObject, own, shown, type JsonObject } from '../shared/json-payload.js';
import { fail, ok, type Parsed } from '../shared/parsed.js';

/** What one component's status gives: counters in integer Wh, power in W. */
export interface ComponentEnergy {
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
}

/** Where each component keeps its counters (Wh) and its power (W). */
const LAYOUT = {
  // Switch and PM1: aenergy.total (and ret_aenergy.total on devices that measure returned energy).
  switch: { import: ['aenergy', 'total'], export: ['ret_aenergy', 'total'], power: ['apower'] },
  pm1: { import: ['aenergy', 'total'], export: ['ret_aenergy', 'total'], power: ['apower'] },
  // EMData: totals of all phases; its power is on the EM component of the same id.
  emdata: { import: ['total_act'], export: ['total_act_ret'], power: undefined },
  em1data: { import: ['total_act_energy'], export: ['total_act_ret_energy'], power: undefined },
} as const;

/** The component that carries the live power of an EMData/EM1Data component (`emdata:0` -> `em:0`). */
export function powerComponentOf(component: string): string | undefined {
  if (component.startsWith('emdata:')) return `em:${component.slice('emdata:'.length)}`;
  if (component.startsWith('em1data:')) return `em1:${component.slice('em1data:'.length)}`;
  return undefined;
}

/**
 * Read the counters of `component` from its status object. A status without the import counter (a
 * partial NotifyStatus: the output switched, the temperature changed) is `no_reading`; a counter
 * that is there but not a finite non-negative number is `invalid_schema`.
 * `powerStatus` is the EM/EM1 status beside EMData/EM1Data in the same notification, if any.
 */
export function componentEnergy(
  component: string,
  status: JsonObject,
  powerStatus: JsonObject | undefined,
): Parsed<ComponentEnergy> {
  const type = component.slice(0, component.indexOf(':')) as keyof typeof LAYOUT;
  const layout = LAYOUT[type];
  const imported = field(status, layout.import);
  if (imported === undefined) {
    return noReading(`${component} carries no ${layout.import.join('.')} (a partial update)`);
  }
  const importWh = counter(component, layout.import, imported);
  if (typeof importWh !== 'number') return importWh;
  const exported = field(status, layout.export);
  const exportWh = exported === undefined ? undefined : counter(component, layout.export, exported);
  if (exportWh !== undefined && typeof exportWh !== 'number') return exportWh;
  const power =
    layout.power !== undefined
      ? watts(`${component}.apower`, field(status, layout.power))
      : emPower(component, powerStatus);
  if (typeof power === 'object') return power;
  return ok({ importWh, exportWh, powerW: power });
}

function emPower(
  component: string,
  em: JsonObject | undefined,
): number | undefined | Parsed<never> {
  if (em === undefined) return undefined;
  const name = powerComponentOf(component)!;
  const key = name.startsWith('em1:') ? 'act_power' : 'total_act_power';
  return watts(`${name}.${key}`, field(em, [key]));
}

/** The value at `path`, undefined when any step is missing or null. */
function field(obj: JsonObject, path: readonly string[]): unknown {
  let at: unknown = obj;
  for (const key of path) {
    if (!isObject(at)) return undefined;
    at = own(at, key);
  }
  return at === null ? undefined : at;
}

function counter(
  component: string,
  path: readonly string[],
  value: unknown,
): number | Parsed<never> {
  const wh = typeof value === 'number' && value >= 0 ? whToWh(value) : undefined;
  if (wh === undefined) {
    return fail(
      'invalid_schema',
      `${component}.${path.join('.')}: ${shown(value)} is not a finite non-negative number of Wh`,
    );
  }
  return wh;
}

function watts(name: string, value: unknown): number | undefined | Parsed<never> {
  if (value === undefined) return undefined;
  const w = typeof value === 'number' ? powerW(value, 'W') : undefined;
  if (w === undefined) {
    return fail('invalid_schema', `${name}: ${shown(value)} is not a finite number of W`);
  }
  return w;
}

const noReading = (detail: string): Parsed<never> => fail('no_reading', detail);
