import { z } from 'zod';
import {
  readingsOf,
  rejectWith,
  type DeviceFormat,
  type FormatInput,
  type FormatResult,
} from '../device-format.js';
import { componentEnergy, powerComponentOf, type ComponentEnergy } from './component-reading.js';
import type { Parsed } from '../shared/parsed.js';
import type { ReadingTime } from '../shared/reading-time.js';
import { notificationTime } from './notification-time.js';
import { isObject, jsonObjectPayload, own, type JsonObject } from '../shared/json-payload.js';
import {
  checkShellyTopic,
  ENERGY_COMPONENT,
  readShellyTopic,
  shellyDeviceTopics,
} from './shelly-topic.js';

/**
 * Without `component`, a notification is read on the first of these it carries: one metered
 * channel per device kind (Pro 3EM triphase, Pro EM / 3EM monophase, PM Mini, Plus/Pro PM).
 */
export const DEFAULT_COMPONENTS = ['emdata:0', 'em1data:0', 'pm1:0', 'switch:0'] as const;

export const shellyGen2SourceSchema = z.strictObject({
  /** The component the meter reads, e.g. `switch:1` or `em1data:2` (lower case, as the device). */
  component: z
    .string()
    .regex(ENERGY_COMPONENT, 'must be switch:N, pm1:N, emdata:N or em1data:N')
    .optional(),
});

export type ShellyGen2Source = z.infer<typeof shellyGen2SourceSchema>;

/**
 * Shelly Gen2/Gen3/Gen4 devices (Plus, Pro, Mini) over MQTT: RPC notifications on
 * `<prefix>/events/rpc` and component status on `<prefix>/status/<component:id>`. One device
 * topic can serve several meters, each reading its own `component`. See docs/formats/shelly-gen2.md.
 */
export const shellyGen2Format: DeviceFormat<ShellyGen2Source> = {
  name: 'shelly-gen2',
  sourceSchema: shellyGen2SourceSchema,
  checkTopic: checkShellyTopic,
  deviceTopics: shellyDeviceTopics,
  parse: parseShelly,
};

function parseShelly(input: FormatInput<ShellyGen2Source>): FormatResult {
  const topic = readShellyTopic(input.topic);
  if (topic === undefined) {
    return rejectWith(
      'no_reading',
      `${input.topic.slice(0, 120)} is not a topic that carries readings`,
    );
  }
  const json = jsonObjectPayload(input.payload, 'an RPC notification or a component status');
  if (!json.ok) return json;
  const wanted = input.meter.source.component;

  if (topic.kind === 'status') {
    if (wanted !== undefined && topic.component !== wanted) {
      return rejectWith(
        'no_reading',
        `status of ${topic.component.slice(0, 40)}; the meter reads ${wanted}`,
      );
    }
    if (!ENERGY_COMPONENT.test(topic.component)) {
      return rejectWith(
        'no_reading',
        `status of ${topic.component.slice(0, 40)} carries no energy counter`,
      );
    }
    const energy = componentEnergy(topic.component, json.value, undefined);
    return toResult(energy, { ts: input.receivedAt, tsSource: 'received' });
  }
  return parseNotification(json.value, wanted, input.receivedAt);
}

/** A JSON-RPC frame on `<prefix>/events/rpc`: NotifyStatus and NotifyFullStatus carry status. */
function parseNotification(
  msg: JsonObject,
  wanted: string | undefined,
  receivedAt: number,
): FormatResult {
  const method = own(msg, 'method');
  if (method === undefined) {
    return rejectWith('no_reading', 'an RPC response or request, not a notification (no method)');
  }
  if (typeof method !== 'string') return rejectWith('invalid_schema', 'method: expected a string');
  if (method !== 'NotifyStatus' && method !== 'NotifyFullStatus') {
    return rejectWith('no_reading', `${method.slice(0, 40)} carries no component status`);
  }
  const params = own(msg, 'params');
  if (!isObject(params)) return rejectWith('invalid_schema', 'params: expected an object');
  const component = wanted ?? DEFAULT_COMPONENTS.find((c) => own(params, c) != null);
  if (component === undefined) {
    return rejectWith(
      'no_reading',
      `${method} carries none of ${DEFAULT_COMPONENTS.join(', ')} (set source.component for another channel)`,
    );
  }
  const status = own(params, component);
  if (status === undefined || status === null) {
    return rejectWith('no_reading', `${method} carries no ${component} (a partial update)`);
  }
  if (!isObject(status))
    return rejectWith('invalid_schema', `params.${component}: expected an object`);
  const powerName = powerComponentOf(component);
  const powerStatus = powerName === undefined ? undefined : own(params, powerName);
  if (powerStatus != null && !isObject(powerStatus)) {
    return rejectWith('invalid_schema', `params.${powerName}: expected an object`);
  }
  const energy = componentEnergy(component, status, powerStatus ?? undefined);
  if (!energy.ok) return energy;
  const time = notificationTime(own(params, 'ts'), receivedAt);
  if (!time.ok) return time;
  return toResult(energy, time.value);
}

function toResult(energy: Parsed<ComponentEnergy>, time: ReadingTime): FormatResult {
  if (!energy.ok) return energy;
  // Field by field: merging two objects by spread is V8's slow path, a microsecond a message.
  const { importWh, exportWh, powerW } = energy.value;
  return readingsOf([{ ts: time.ts, tsSource: time.tsSource, importWh, exportWh, powerW }]);
}
