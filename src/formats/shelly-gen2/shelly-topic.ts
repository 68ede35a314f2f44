import { sourceTopicProblem } from '../topic-rules.js';

/** The components whose status carries an energy counter this format reads. */
export const ENERGY_COMPONENT = /^(switch|pm1|emdata|em1data):(\d{1,3})$/;

const EVENTS_RPC = '/events/rpc';
const STATUS = /^(.+)\/status\/([^/]+)$/;

/** Where a message came from: the notification channel, or one component's status topic. */
export type ShellyTopic =
  | { readonly kind: 'rpc'; readonly prefix: string }
  | { readonly kind: 'status'; readonly prefix: string; readonly component: string };

/**
 * Read `<prefix>/events/rpc` (RPC notifications, MQTT setting `rpc_ntf`) or
 * `<prefix>/status/<component:id>` (whole component status, setting `status_ntf`). The prefix is
 * the device's `topic_prefix`, by default its id (`shellyplus1pm-441793d69718`), and may have
 * several levels.
 */
export function readShellyTopic(topic: string): ShellyTopic | undefined {
  if (topic.endsWith(EVENTS_RPC) && topic.length > EVENTS_RPC.length) {
    return { kind: 'rpc', prefix: topic.slice(0, -EVENTS_RPC.length) };
  }
  const m = STATUS.exec(topic);
  if (m !== null) return { kind: 'status', prefix: m[1]!, component: m[2]! };
  return undefined;
}

/**
 * Why a topic cannot carry a Shelly's readings, or undefined. Besides the rules of every bound topic
 * (among them: no prefix inside wattledger's own `meters/` tree, where the device, which may
 * publish anywhere below its prefix, would reach other meters' readings topics): no empty level,
 * and the topic's shape.
 */
export function checkShellyTopic(topic: string): string | undefined {
  const problem = sourceTopicProblem(topic);
  if (problem !== undefined) return problem;
  if (topic.split('/').some((l) => l === '')) return 'the topic has an empty level';
  const t = readShellyTopic(topic);
  if (t === undefined) {
    return 'a Shelly publishes readings on <prefix>/events/rpc or <prefix>/status/<component:id>';
  }
  if (t.kind === 'status' && !ENERGY_COMPONENT.test(t.component)) {
    return `status/${t.component} carries no energy counter (switch:N, pm1:N, emdata:N or em1data:N do)`;
  }
  return undefined;
}

/**
 * The device's tree `<prefix>/#`: its notifications, status topics, `online` (last will), and the
 * `rpc` and `command` topics it subscribes to.
 */
export function shellyDeviceTopics(topic: string): readonly string[] {
  const t = readShellyTopic(topic);
  return t === undefined ? [] : [`${t.prefix}/#`];
}
