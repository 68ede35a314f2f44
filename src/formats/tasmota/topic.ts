import { sourceTopicProblem } from '../topic-rules.js';

/**
 * Tasmota builds every topic from its FullTopic, `%prefix%/%topic%/` by default: `<before>/%prefix%/
 * <after>/` with a prefix of `cmnd`, `stat` or `tele`. Readings come on `<before>/tele/<after>/SENSOR`
 * (`tele/<topic>/SENSOR`, or `<base>/tele/SENSOR` under a FullTopic such as
 * `emoncms/ch2i/factory/%topic%/%prefix%/`).
 */
interface TasmotaTopic {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

const PREFIXES = ['tele', 'stat', 'cmnd'] as const;

function splitTopic(topic: string): TasmotaTopic | string {
  const problem = sourceTopicProblem(topic);
  if (problem !== undefined) return problem;
  const levels = topic.split('/');
  if (levels.some((l) => l.length === 0)) return 'a Tasmota topic has no empty level';
  if (levels[levels.length - 1] !== 'SENSOR') {
    return 'Tasmota publishes readings on its SENSOR topic: the last level must be SENSOR';
  }
  const body = levels.slice(0, -1);
  const teles = body.flatMap((l, i) => (l === 'tele' ? [i] : []));
  if (teles.length === 0) {
    return 'Tasmota publishes SENSOR under its tele prefix: the topic needs a tele level';
  }
  if (teles.length > 1) {
    return 'the topic has several tele levels: which one is the prefix cannot be told';
  }
  const at = teles[0]!;
  const before = body.slice(0, at);
  const after = body.slice(at + 1);
  if (before.length === 0 && after.length === 0) {
    // A FullTopic without %topic%: every device would share the tele/stat/cmnd trees.
    return 'the topic must name the device (tele/<topic>/SENSOR or <base>/tele/SENSOR)';
  }
  return { before, after };
}

/** Why `topic` cannot be a Tasmota SENSOR topic, or undefined when it is one. */
export function checkTasmotaTopic(topic: string): string | undefined {
  const t = splitTopic(topic);
  return typeof t === 'string' ? t : undefined;
}

/**
 * The device's own tele, stat and cmnd trees (telemetry and LWT, status answers, commands), and
 * nothing else: not its GroupTopic or fallback topic, which other devices share or which name it
 * otherwise. None for a topic that is not a Tasmota SENSOR topic.
 */
export function tasmotaDeviceTopics(topic: string): readonly string[] {
  const t = splitTopic(topic);
  if (typeof t === 'string') return [];
  return PREFIXES.map((p) => [...t.before, p, ...t.after, '#'].join('/'));
}
