import type { DeviceFormatKey } from '../../src/formats/registry.js';
import type { MeterDefinition } from '../fleet.js';

/** The formats the simulator speaks: wattledger's own, or a device's. */
export const SIM_FORMATS = [
  'wattledger',
  'tasmota',
  'shelly-gen2',
  'teleinfo',
  'dsmr-p1',
  'zigbee2mqtt',
] as const;

export type SimFormat = (typeof SIM_FORMATS)[number];

/**
 * How a simulated meter's device publishes: its format, the exact topic it publishes on, the MQTT
 * login it uses (the meter id unless a bridge shares one), the time zone the receiver reads its
 * local times in (the contract's), and the format's options as bound in the meter's `source`.
 */
export interface SimDevice {
  readonly format: DeviceFormatKey;
  readonly topic: string;
  readonly login?: string | undefined;
  readonly timezone: string;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Whether the device shows its family's quirks (clocks never set, repeated or empty states);
   * default true. Off, every message carries a reading at the device's own time.
   */
  readonly quirks?: boolean | undefined;
}

/**
 * The topic a device of `format` publishes on, named after the meter as its family names topics:
 * Tasmota's `tele/<Topic>/SENSOR`, a Shelly's `<device id>/events/rpc`, teleinfo2mqtt's
 * `teleinfo/<meter>`, dsmr-reader's raw telegram topic under its own first level, zigbee2mqtt's
 * `zigbee2mqtt/<friendly name>`.
 */
export function defaultTopic(format: DeviceFormatKey, meterId: string): string {
  switch (format) {
    case 'tasmota':
      return `tele/${meterId}/SENSOR`;
    case 'shelly-gen2':
      return `shellyplus1pm-${meterId}/events/rpc`;
    case 'teleinfo':
      return `teleinfo/${meterId}`;
    case 'dsmr-p1':
      return `dsmr/${meterId}/raw`;
    case 'zigbee2mqtt':
      return `zigbee2mqtt/${meterId}`;
  }
}

/** A topic template with `{id}` standing for the meter id, e.g. `tele/{id}/SENSOR`. */
export const topicFromTemplate = (template: string, meterId: string): string =>
  template.split('{id}').join(meterId);

/** The login a device publishes with: its bound login, else the meter id. */
export const deviceLogin = (meterId: string, device: SimDevice): string => device.login ?? meterId;

/** How {@link bindFleet} binds every meter of a fleet. */
export interface FleetBinding {
  readonly format: SimFormat;
  /** The contract's time zone the receiver reads device local times in. */
  readonly timezone: string;
  /** The topic, `{id}` standing for the meter id; default the family's usual topic. */
  readonly topicTemplate?: string | undefined;
}

/** The fleet with every meter speaking `format` (unchanged for wattledger's own). */
export function bindFleet(
  fleet: readonly MeterDefinition[],
  binding: FleetBinding,
): MeterDefinition[] {
  const { format } = binding;
  if (format === 'wattledger') return [...fleet];
  return fleet.map((m) => ({
    ...m,
    device: {
      format,
      topic:
        binding.topicTemplate === undefined
          ? defaultTopic(format, m.meterId)
          : topicFromTemplate(binding.topicTemplate, m.meterId),
      timezone: binding.timezone,
    },
  }));
}

/** The login each device topic of the fleet publishes with. */
export function deviceLoginsOf(fleet: readonly MeterDefinition[]): Map<string, string> {
  const logins = new Map<string, string>();
  for (const m of fleet) {
    if (m.device === undefined) continue;
    const login = deviceLogin(m.meterId, m.device);
    const other = logins.get(m.device.topic);
    if (other !== undefined && other !== login)
      throw new RangeError(`${m.device.topic} is published by two logins, ${other} and ${login}`);
    logins.set(m.device.topic, login);
  }
  return logins;
}
