import type { Meter } from '../fleet/meter.js';
import { readingsTopicOf } from './embedded-acl.js';
import { meterPassword } from './mosquitto-auth.js';

/** What to provision on a meter's device: its login, the password derived for it, its topic. */
export interface MeterCredentials {
  readonly username: string;
  readonly password: string;
  readonly topic: string;
  readonly format: Meter['format'];
}

/**
 * A meter's MQTT credentials. Meters behind one bridge share its login, so each of them answers the
 * same username and password.
 */
export function meterCredentials(
  secret: string,
  meter: Pick<Meter, 'id' | 'login' | 'source' | 'format'>,
): MeterCredentials {
  return {
    username: meter.login,
    password: meterPassword(secret, meter.login),
    topic: meter.source?.topic ?? readingsTopicOf(meter.id),
    format: meter.format,
  };
}
