import { METER_ID_RE } from '../fleet/meter.js';

/**
 * The readings topic and the deeper topics below it, as MQTT filters. `meters/+/readings` also
 * delivers `meters//readings` (`+` matches an empty level); the second filter catches
 * `meters/{id}/readings/...`, which a meter can only reach by mistake, so that it is rejected
 * rather than lost. They do not overlap, so no message arrives twice.
 */
export const READINGS_FILTER = 'meters/+/readings';
export const BELOW_READINGS_FILTER = 'meters/+/readings/+/#';

/**
 * The filters ingest subscribes to, optionally shared among ingest processes: every message on
 * them ends as readings or rejections.
 */
export function ingestFilters(shareGroup?: string): [string, string] {
  const share = (f: string) => (shareGroup === undefined ? f : `$share/${shareGroup}/${f}`);
  return [share(READINGS_FILTER), share(BELOW_READINGS_FILTER)];
}

/**
 * Whether ingest answers for a topic, i.e. whether one of `ingestFilters` matches it. The embedded
 * broker sees every publish and uses this to treat exactly what an external broker would deliver.
 */
export function isIngestTopic(topic: string): boolean {
  // Without splitting: every device message asks, and nearly all answer at the first check.
  if (!topic.startsWith('meters/')) return false;
  const end = topic.indexOf('/', 7);
  if (end < 0 || !topic.startsWith('readings', end + 1)) return false;
  const after = end + 1 + 'readings'.length;
  return topic.length === after || topic[after] === '/';
}

/**
 * The meter id of a well-formed readings topic, or undefined when the topic breaks the contract
 * (wrong shape, or an id not matching METER_ID_RE): such a message is an `invalid_topic`.
 */
export function meterIdOfTopic(topic: string): string | undefined {
  const levels = topic.split('/');
  if (levels.length !== 3 || levels[0] !== 'meters' || levels[2] !== 'readings') return undefined;
  const id = levels[1]!;
  return METER_ID_RE.test(id) ? id : undefined;
}
