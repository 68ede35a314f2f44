import { METER_ID_RE } from '../fleet/meter.js';

/** The one topic a meter may publish to. */
export const readingsTopicOf = (meterId: string): string => `meters/${meterId}/readings`;

/** Whether `username` can be a meter's login at all (the meter id syntax of the MQTT contract). */
export const isMeterUsername = (username: string): boolean => METER_ID_RE.test(username);

/**
 * Whether `topic` lies in the meter's own tree `meters/{id}/…`. Meter ids hold no wildcard or `/`,
 * so comparing the second level is exact.
 */
export function inOwnTree(meterId: string, topic: string): boolean {
  const levels = topic.split('/');
  return levels.length >= 2 && levels[0] === 'meters' && levels[1] === meterId;
}

/**
 * The publish rule of the generated Mosquitto ACL (`pattern write meters/%u/readings`), applied by
 * the embedded broker: a meter writes its own readings topic, nothing else.
 */
export const mayPublish = (meterId: string, topic: string): boolean =>
  topic === readingsTopicOf(meterId);

/**
 * A meter may subscribe within its own tree only (`meters/{id}`, `meters/{id}/#`, …): never another
 * meter's readings, a filter with a wildcard at the meter level, `#`, `$SYS` or a shared
 * subscription.
 */
export const maySubscribe = (meterId: string, filter: string): boolean =>
  inOwnTree(meterId, filter);
