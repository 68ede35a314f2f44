import { z } from 'zod';
import { readingsOf, rejectWith, type DeviceFormat } from '../device-format.js';
import { jsonObjectPayload } from '../shared/json-payload.js';
import { sourceTopicProblem } from '../topic-rules.js';
import { frameRegisters } from './teleinfo-registers.js';
import { frameTime } from './teleinfo-time.js';

/** teleinfo has no options besides `topic` and `login`: the frame says everything. */
export const teleinfoSourceSchema = z.strictObject({});

export type TeleinfoSource = z.infer<typeof teleinfoSourceSchema>;

/**
 * The topics of the teleinfo2mqtt bridge publishing frames on `topic`: that topic, and the
 * `<base>/status` health message it publishes beside it. It subscribes to nothing. Its Home
 * Assistant discovery topics (`homeassistant/sensor/...`) are another tree shared with other
 * devices, so they are not granted (set `HASS_DISCOVERY=false` on the bridge).
 */
function deviceTopics(topic: string): readonly string[] {
  const cut = topic.lastIndexOf('/');
  const base = cut < 0 ? '' : topic.slice(0, cut);
  // A one-level topic (old releases published on the base topic itself) has no status beside it.
  if (base.split('/').every((level) => level === '')) return [topic];
  const status = `${base}/status`;
  return status === topic ? [topic] : [topic, status];
}

/**
 * French Linky and older electronic meters read through their TIC (teleinformation) port and
 * published by teleinfo2mqtt as `{"LABEL": {"raw": "...", "value": ...}, ...}` on
 * `<MQTT_BASE_TOPIC>/<ADCO or ADSC>` (`teleinfo/<meter id>` by default). See docs/formats/teleinfo.md.
 */
export const teleinfoFormat: DeviceFormat<TeleinfoSource> = {
  name: 'teleinfo',
  sourceSchema: teleinfoSourceSchema,
  checkTopic: (topic) => {
    // The bridge publishes wherever MQTT_BASE_TOPIC says: any topic a device may be bound to.
    const problem = sourceTopicProblem(topic);
    return problem === undefined
      ? undefined
      : `${problem}: teleinfo2mqtt publishes on teleinfo/<meter id>`;
  },
  deviceTopics,
  parse: ({ payload, meter, receivedAt }) => {
    const body = jsonObjectPayload(payload, 'a teleinfo2mqtt frame');
    if (!body.ok) return rejectWith(body.reason, body.detail);
    const registers = frameRegisters(body.value);
    if (!registers.ok) return rejectWith(registers.reason, registers.detail);
    const time = frameTime(body.value, meter.timezone, receivedAt);
    if (!time.ok) return time;
    return readingsOf([
      {
        ts: time.value.ts,
        tsSource: time.value.tsSource,
        importWh: registers.importWh,
        exportWh: registers.exportWh,
        // EAST alone, or supplier registers that do not add up to it, leave nothing to split it by.
        registers:
          registers.registers !== undefined && Object.keys(registers.registers).length > 0
            ? registers.registers
            : undefined,
      },
    ]);
  },
};
