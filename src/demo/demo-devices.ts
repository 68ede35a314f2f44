import type { DeviceFormatKey } from '../formats/registry.js';

/** How a demo meter's device is bound: its format, the topic it publishes on, a shared login. */
export interface DemoDevice {
  readonly format: DeviceFormatKey;
  readonly topic: string;
  /** The login of the bridge it sits behind; absent: the device logs in as its meter. */
  readonly login?: string | undefined;
}

/**
 * One demo household per device format, on the topics such devices use: a Tasmota plug, a Shelly
 * Plus 1PM, a Linky read by teleinfo2mqtt, a DSMR meter's P1 port, a Zigbee plug behind a
 * zigbee2mqtt bridge (whose login would serve every plug behind it).
 */
export const DEMO_DEVICES: readonly DemoDevice[] = [
  { format: 'tasmota', topic: 'tele/demo-plug-1/SENSOR' },
  { format: 'shelly-gen2', topic: 'shellyplus1pm-demo/events/rpc' },
  { format: 'teleinfo', topic: 'teleinfo/demo-linky' },
  { format: 'dsmr-p1', topic: 'dsmr/demo-p1/raw' },
  { format: 'zigbee2mqtt', topic: 'zigbee2mqtt/demo-plug', login: 'demo-zigbee2mqtt' },
];

/**
 * Which demo meters speak a device format: the last ones of the fleet, one per format, never the
 * first (the household whose key is printed keeps wattledger's own format). A fleet of fewer than
 * six meters binds the formats it has room for, in the order above.
 */
export function demoDeviceBindings(meterIds: readonly string[]): Map<string, DemoDevice> {
  const first = Math.max(1, meterIds.length - DEMO_DEVICES.length);
  return new Map(meterIds.slice(first).map((id, i) => [id, DEMO_DEVICES[i]!] as const));
}
