import { sourceTopicProblem } from '../topic-rules.js';

/** dsmr-reader's default topic for raw telegrams (Configuration > MQTT > raw telegram). */
export const DSMR_READER_RAW_TOPIC = 'dsmr/raw';

// dsmr-reader's own topics that carry parsed values rather than the raw telegram.
const PARSED_TOPICS = /^dsmr\/(json|reading\/.*)$/;

/**
 * Why a topic cannot carry raw P1 telegrams, or undefined. A bridge may publish anywhere, so any
 * topic that may be bound will do (among the rules of every bound topic: not in wattledger's own
 * `meters/` tree, since the device's rights cover the topic's whole first level, which would
 * include other meters' readings topics), except one with an empty level and dsmr-reader's
 * parsed-value topics.
 */
export function checkDsmrTopic(topic: string): string | undefined {
  const problem = sourceTopicProblem(topic);
  if (problem !== undefined) return problem;
  if (topic.split('/').some((l) => l === '')) return 'the topic has an empty level';
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
