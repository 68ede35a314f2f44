/** dsmr-reader's default topic for raw telegrams (Configuration > MQTT > raw telegram). */
export const DSMR_READER_RAW_TOPIC = 'dsmr/raw';

// dsmr-reader's own topics that carry parsed values rather than the raw telegram.
const PARSED_TOPICS = /^dsmr\/(json|reading\/.*)$/;

/**
 * Why a topic cannot carry raw P1 telegrams, or undefined. A bridge may publish anywhere, so any
 * plain topic will do, except: wildcards, empty levels and `$` topics (not a topic a device
 * publishes on), wattledger's own `meters/` tree (the device's rights cover the topic's whole
 * first level, which would include other meters' readings topics), and dsmr-reader's parsed-value
 * topics.
 */
export function checkDsmrTopic(topic: string): string | undefined {
  if (topic.length === 0 || topic.length > 512) return 'a topic has 1 to 512 characters';
  if (topic.includes('+') || topic.includes('#') || topic.includes('\0'))
    return 'a device publishes on a topic without wildcards';
  if (topic.startsWith('$')) return 'topics starting with $ are the broker’s own';
  const levels = topic.split('/');
  if (levels.some((l) => l === '')) return 'the topic has an empty level';
  if (levels[0] === 'meters') return 'the meters/ tree holds wattledger’s own readings topics';
  if (PARSED_TOPICS.test(topic)) {
    return `${topic} carries dsmr-reader's parsed values; bind the raw telegram topic (default ${DSMR_READER_RAW_TOPIC})`;
  }
  return undefined;
}

/**
 * The device's tree: the topic's first level and everything below it. dsmr-reader publishes all
 * its topics (raw telegram, JSON, per-field readings, statistics) under `dsmr/` by default, and a
 * P1 bridge under its own first level.
 */
export function dsmrDeviceTopics(topic: string): readonly string[] {
  const first = topic.split('/')[0]!;
  return [`${first}/#`];
}
