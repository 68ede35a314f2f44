/** The longest bound topic accepted: far beyond any device's, far below MQTT's 65,535 bytes. */
export const MAX_SOURCE_TOPIC_LENGTH = 512;

/**
 * Why `topic` cannot be bound as a device's publishing topic, or undefined when it can: an MQTT
 * topic name (no wildcard, no NUL, not a `$` system topic), not inside wattledger's own
 * `meters/` tree, whose topics carry the wattledger format.
 */
export function sourceTopicProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'must not be empty';
  if (topic.length > MAX_SOURCE_TOPIC_LENGTH)
    return `must be at most ${MAX_SOURCE_TOPIC_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[+#\u0000]/.test(topic)) return 'must be a topic name, without the wildcards + and #';
  if (topic.startsWith('$')) return 'must not be a $ system topic';
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(topic)) return 'must not contain control characters';
  if (topic === 'meters' || topic.startsWith('meters/'))
    return 'must not lie under meters/, where topics carry the wattledger format';
  return undefined;
}
