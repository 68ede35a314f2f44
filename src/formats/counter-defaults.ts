import type { DeviceFormatName } from './device-format.js';

/**
 * What a meter does when its register goes down, unless set (`counterResets`): devices that restart
 * their counter from 0 (a Shelly on reboot, a Tasmota plug after `EnergyTotal 0`, a zigbee2mqtt plug
 * on `{"reset": ""}`) start a new span; a utility meter's register (Linky, P1) and wattledger's own
 * format must never go down, so a decrease stays a rejection there.
 */
export const DEFAULT_COUNTER_RESETS: { readonly [F in DeviceFormatName]: 'reject' | 'new-span' } = {
  wattledger: 'reject',
  tasmota: 'new-span',
  'shelly-gen2': 'new-span',
  zigbee2mqtt: 'new-span',
  teleinfo: 'reject',
  'dsmr-p1': 'reject',
};
