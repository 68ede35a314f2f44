import type { DeviceFormatKey } from '../../src/formats/registry.js';
import type { DeviceRenderer } from './device-message.js';
import { dsmrP1Renderer } from './dsmr-p1.js';
import { shellyGen2Renderer } from './shelly-gen2.js';
import { tasmotaRenderer } from './tasmota.js';
import { teleinfoRenderer } from './teleinfo.js';
import { zigbee2mqttRenderer } from './zigbee2mqtt.js';

const RENDERERS: { readonly [K in DeviceFormatKey]: DeviceRenderer } = {
  tasmota: tasmotaRenderer,
  'shelly-gen2': shellyGen2Renderer,
  teleinfo: teleinfoRenderer,
  'dsmr-p1': dsmrP1Renderer,
  zigbee2mqtt: zigbee2mqttRenderer,
};

/** How the simulator writes readings in a device format. */
export const rendererOf = (format: DeviceFormatKey): DeviceRenderer => RENDERERS[format];
