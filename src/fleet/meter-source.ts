import { z } from 'zod';
import { DEVICE_FORMATS, type DeviceFormatName } from '../formats/device-format.js';
import { deviceFormat } from '../formats/registry.js';
import { sourceTopicProblem } from '../formats/topic-rules.js';

/** MQTT logins follow the meter id syntax: safe in Mosquitto's files and in topics. */
export const LOGIN_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Where and how a meter's device publishes: the exact topic, the MQTT login it shares with other
 * meters behind one bridge (default: the meter id), and the format's own options.
 */
export interface MeterSource {
  readonly topic?: string | undefined;
  readonly login?: string | undefined;
  readonly [option: string]: unknown;
}

export const meterFormatSchema = z.enum(DEVICE_FORMATS).default('wattledger');

/**
 * `source` as given: a topic and a login, and the format's options (checked against the format in
 * `checkSource`, once the format is known). A wattledger meter has none.
 */
export const meterSourceSchema = z
  .looseObject({
    topic: z.string().optional(),
    login: z
      .string()
      .regex(LOGIN_RE, 'login must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
      .optional(),
  })
  .nullish()
  .transform((v) => v ?? null);

/**
 * Check a meter's source against its format, adding issues to `ctx` under `source`: a device format
 * needs a topic its devices publish on and takes only its own options; the wattledger format
 * publishes on `meters/{id}/readings` and takes a login at most.
 */
export function checkSource(
  format: DeviceFormatName,
  source: MeterSource | null,
  ctx: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['source', ...path], message });
  const { topic, login: _login, ...options } = source ?? {};
  if (format === 'wattledger') {
    if (source !== null)
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message:
          'the wattledger format takes no source: the meter logs in as its id and publishes on meters/{id}/readings',
      });
    return;
  }
  if (topic === undefined) {
    issue(['topic'], `the ${format} format needs the exact topic its device publishes on`);
    return;
  }
  const problem = sourceTopicProblem(topic) ?? deviceFormat(format).checkTopic(topic);
  if (problem !== undefined) issue(['topic'], problem);
  const parsed = deviceFormat(format).sourceSchema.safeParse(options);
  if (!parsed.success) for (const i of parsed.error.issues) issue(i.path.map(String), i.message);
}

/** The MQTT login of a meter's device: its source's login, else the meter id. */
export const loginOf = (meterId: string, source: MeterSource | null): string =>
  source?.login ?? meterId;
