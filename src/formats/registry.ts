import type { DeviceFormat, DeviceFormatName } from './device-format.js';
import { dsmrP1Format } from './dsmr-p1/dsmr-p1.js';
import { shellyGen2Format } from './shelly-gen2/shelly-gen2.js';
import { tasmotaFormat } from './tasmota/tasmota.js';
import { teleinfoFormat } from './teleinfo/teleinfo.js';
import { zigbee2mqttFormat } from './zigbee2mqtt/zigbee2mqtt.js';

/** A device format other than wattledger's own. */
export type DeviceFormatKey = Exclude<DeviceFormatName, 'wattledger'>;

const FORMATS: { readonly [K in DeviceFormatKey]: DeviceFormat<unknown> } = {
  tasmota: tasmotaFormat as DeviceFormat<unknown>,
  'shelly-gen2': shellyGen2Format as DeviceFormat<unknown>,
  teleinfo: teleinfoFormat as DeviceFormat<unknown>,
  'dsmr-p1': dsmrP1Format as DeviceFormat<unknown>,
  zigbee2mqtt: zigbee2mqttFormat as DeviceFormat<unknown>,
};

/** The parser and topic rules of a device format. */
export const deviceFormat = (name: DeviceFormatKey): DeviceFormat<unknown> => FORMATS[name];
