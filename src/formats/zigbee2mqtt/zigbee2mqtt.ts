import { z } from 'zod';
import { powerW, registerWh } from '../decimal-units.js';
import { readingsOf, rejectWith, type DeviceFormat } from '../device-format.js';
import { jsonObjectPayload, keysShown, own, shown } from '../shared/json-payload.js';
import { sourceTopicProblem } from '../topic-rules.js';
import { seenTime } from './zigbee2mqtt-time.js';

/** zigbee2mqtt has no options besides `topic` and `login`: the base topic is the topic's first level. */
export const zigbee2mqttSourceSchema = z.strictObject({});

export type Zigbee2mqttSource = z.infer<typeof zigbee2mqttSourceSchema>;

/** Topic levels zigbee2mqtt reads as commands, or publishes as availability, below a device. */
const COMMAND_LEVELS = new Set(['set', 'get']);

/**
 * Why `topic` is not `<base_topic>/<friendly_name>`, the topic zigbee2mqtt publishes a device's
 * state on. The friendly name may itself contain `/`; the base topic is taken to be the first
 * level (`zigbee2mqtt` unless `mqtt.base_topic` says otherwise).
 */
function checkTopic(topic: string): string | undefined {
  const problem = sourceTopicProblem(topic);
  if (problem !== undefined) return problem;
  const levels = topic.split('/');
  const [base, first] = levels;
  if (levels.length < 2 || base === '' || first === '') {
    return 'a zigbee2mqtt device publishes on <base_topic>/<friendly_name>, e.g. zigbee2mqtt/plug-1';
  }
  if (levels.includes('')) return 'a friendly_name has no empty level (no // and no trailing /)';
  if (first === 'bridge') return `${base}/bridge/... are the bridge's own topics, not a device's`;
  const last = levels[levels.length - 1]!;
  const beforeLast = levels.length > 2 ? levels[levels.length - 2]! : undefined;
  if (COMMAND_LEVELS.has(last) || (beforeLast !== undefined && COMMAND_LEVELS.has(beforeLast))) {
    return `${topic} is a command topic zigbee2mqtt subscribes to, not the device's state`;
  }
  if (last === 'availability') {
    return `${topic} carries the device's online/offline status, not its state`;
  }
  return undefined;
}

/**
 * The bridge's whole base tree: zigbee2mqtt publishes every device's state and its own
 * `<base>/bridge/...` topics (with `<base>/bridge/state` as its last will) under it and subscribes
 * to `<base>/#` for the `/set` and `/get` commands. Nothing beyond: Home Assistant discovery topics
 * (`homeassistant/...`) are shared with other devices, so that integration must be off.
 */
function deviceTopics(topic: string): readonly string[] {
  const base = topic.split('/')[0] ?? topic;
  return [`${base}/#`];
}

/**
 * A smart plug (or any device exposing `energy`) behind zigbee2mqtt, publishing its state as JSON
 * on `<base_topic>/<friendly_name>`: `energy` (kWh) is the import register, `power` (W) the power,
 * `last_seen` the time. See docs/formats/zigbee2mqtt.md.
 */
export const zigbee2mqttFormat: DeviceFormat<Zigbee2mqttSource> = {
  name: 'zigbee2mqtt',
  sourceSchema: zigbee2mqttSourceSchema,
  checkTopic,
  deviceTopics,
  parse: ({ payload, meter, receivedAt }) => {
    const body = jsonObjectPayload(payload, "zigbee2mqtt's json output");
    if (!body.ok) return rejectWith(body.reason, body.detail);
    const state = body.value;
    const energy = own(state, 'energy');
    if (energy === undefined) {
      return rejectWith('no_reading', `a state without energy (keys: ${keysShown(state, 8)})`);
    }
    if (energy === null) {
      return rejectWith('no_reading', 'energy is null: the device has not reported its energy');
    }
    const importWh = registerWh(energy, 'kWh');
    if (importWh === undefined) {
      return rejectWith(
        'invalid_schema',
        `energy must be a non-negative decimal in kWh, got ${shown(energy)}`,
      );
    }
    const power = own(state, 'power');
    const w = power === undefined || power === null ? undefined : powerW(power, 'W');
    if (power !== undefined && power !== null && w === undefined) {
      return rejectWith(
        'invalid_schema',
        `power must be a finite number of W, got ${shown(power)}`,
      );
    }
    const time = seenTime(own(state, 'last_seen'), meter.timezone, receivedAt);
    if (!time.ok) return time;
    const { ts, tsSource } = time.value;
    return readingsOf([{ ts, tsSource, importWh, powerW: w }]);
  },
};
