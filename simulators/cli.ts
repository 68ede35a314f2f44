import { InvalidArgumentError, type Command } from 'commander';
import { systemClock } from '../src/shared/clock.js';
import {
  apiEnvDefaults,
  mqttEnvDefaults,
  parseFaultRates,
  parseFormat,
  parseIntervalOption,
  parsePositiveInt,
  parseProbability,
  parseSeed,
  parseSpeed,
  parseTimezone,
  parseTopicTemplate,
  parseWhen,
} from './cli-options.js';
import { defaultTopic, type SimFormat } from './formats/device.js';
import type { FaultRates } from './injected-faults.js';
import { apiExchanger } from './api-exchanger.js';
import { parseMeterEvent, type MeterEvent } from './meter-events.js';
import { DEFAULT_TIMEZONE, runSimulation } from './run-simulation.js';
import type { SimulationReport } from './simulation-report.js';

interface SimulateCliOptions {
  meters: number;
  interval: string;
  speed: number;
  from?: string;
  until?: string;
  mqtt: string;
  seed: number;
  faults?: FaultRates;
  outageRate?: number;
  prefix: string;
  format: SimFormat;
  timezone: string;
  topic?: string;
  username?: string;
  password?: string;
  clientId?: string;
  event: string[];
  api?: string;
  apiKey?: string;
}

/** The end-of-run summary: counts only (the per-reading lists are for tests). */
export function summarize(report: SimulationReport): Record<string, unknown> {
  const {
    expectedStored: _expected,
    expectedAtReceipt: _atReceipt,
    meterEvents,
    faults,
    quirks,
    simulated,
    ...counts
  } = report;
  return {
    ...counts,
    simulated: {
      from: new Date(simulated.from).toISOString(),
      to: simulated.to === undefined ? null : new Date(simulated.to).toISOString(),
    },
    faults: faults.counts,
    quirks: quirks.counts,
    meterEvents: meterEvents.events.length,
    exchanged: meterEvents.exchanged.length,
  };
}

/**
 * Add `wattledger simulate`: publish a simulated meter fleet's readings over MQTT. Progress goes to
 * stderr, the JSON summary to stdout; SIGINT/SIGTERM stop it after the last PUBACKs (a
 * second signal exits at once).
 */
export function registerSimulateCommand(program: Command): void {
  const env = mqttEnvDefaults();
  const apiEnv = apiEnvDefaults();
  program
    .command('simulate')
    .description(
      "run the meter fleet simulator: readings over MQTT (QoS 1, topic meters/{meterId}/readings, or each device format's own)",
    )
    .option('--meters <n>', 'number of meters', parsePositiveInt, 10)
    .option(
      '--interval <interval>',
      'reading interval: 1m, 5m, 15m, 30m, 1h or milliseconds',
      parseIntervalOption,
      '15m',
    )
    .option(
      '--speed <x>',
      'simulated time per wall time once caught up (above 1 runs ahead of the clock)',
      parseSpeed,
      1,
    )
    .option(
      '--from <date>',
      'first simulated instant: RFC 3339 or relative (-60d, -12h); the past is sent as a backlog',
    )
    .option(
      '--until <date>',
      'stop when simulated time reaches this (RFC 3339 or relative, e.g. now, +1h)',
    )
    .option('--mqtt <url>', 'broker URL (default: MQTT_URL or mqtt://127.0.0.1:1883)', env.url)
    .option('--seed <n>', 'seed of the fleet, load curves and faults', parseSeed, 1)
    .option(
      '--faults <rates>',
      'fault rates per reading, e.g. duplicate=0.01,malformed=0.005 (or all=0.01)',
      parseFaultRates,
    )
    .option(
      '--outage-rate <p>',
      'probability per live reading that the meter goes offline for a while',
      parseProbability,
    )
    .option('--prefix <prefix>', 'meter id prefix', 'sim-')
    .option(
      '--format <format>',
      `what the meters speak: wattledger (meters/{id}/readings), or a device format on its ` +
        `usual topic (${(['tasmota', 'shelly-gen2', 'teleinfo', 'dsmr-p1', 'zigbee2mqtt'] as const)
          .map((f) => `${f}: ${defaultTopic(f, '{id}')}`)
          .join(', ')}); bind the meters to those topics first`,
      parseFormat,
      'wattledger',
    )
    .option(
      '--timezone <zone>',
      "the time zone of the meters' contracts, in which devices write local times",
      parseTimezone,
      DEFAULT_TIMEZONE,
    )
    .option('--topic <template>', 'device topic with {id} for the meter id', parseTopicTemplate)
    .option('--username <user>', 'MQTT username (default: MQTT_USERNAME)', env.username)
    .option(
      '--password <password>',
      'MQTT password (default: MQTT_PASSWORD, which keeps it out of ps)',
      env.password,
    )
    .option('--client-id <id>', 'MQTT client id (default: random)')
    .option(
      '--event <spec>',
      'inject a meter event (repeatable): reset:<meter>@<when>, wrap:<meter>@<when>[,max=<Wh>], ' +
        'jitter:<meter>@<when>[,dip=<Wh>], exchange:<meter>@<when>,new=<id>[,start=<Wh>]; set the ' +
        "meter's counter rules to match (PATCH /v1/meters/{id})",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option(
      '--api <url>',
      'the API an exchange is asked of (default: WATTLEDGER_API_URL)',
      apiEnv.url,
    )
    .option(
      '--api-key <key>',
      'a staff or admin key for exchanges (default: WATTLEDGER_API_KEY)',
      apiEnv.key,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const o = cmd.opts<SimulateCliOptions>();
      const now = systemClock.now();
      const controller = new AbortController();
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(130);
        process.stderr.write(`${sig}: finishing (publishing held readings, waiting for PUBACKs)\n`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let events: MeterEvent[];
      try {
        events = o.event.map((e) => parseMeterEvent(e, (w) => parseWhen(w, now)));
      } catch (e) {
        throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
      }
      const exchanger =
        o.api === undefined || o.apiKey === undefined
          ? undefined
          : apiExchanger({ apiUrl: o.api, apiKey: o.apiKey });
      try {
        const report = await runSimulation(
          {
            mqttUrl: o.mqtt,
            meters: o.meters,
            interval: o.interval,
            speed: o.speed,
            from: o.from === undefined ? undefined : parseWhen(o.from, now),
            until: o.until === undefined ? undefined : parseWhen(o.until, now),
            seed: o.seed,
            faults: o.faults,
            outageRate: o.outageRate,
            prefix: o.prefix,
            format: o.format,
            timezone: o.timezone,
            topicTemplate: o.topic,
            mqttUsername: o.username,
            mqttPassword: o.password,
            clientId: o.clientId,
            signal: controller.signal,
            track: false,
            events,
            exchanger,
          },
          {
            clock: systemClock,
            log: (msg) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`),
          },
        );
        process.stdout.write(`${JSON.stringify(summarize(report), null, 2)}\n`);
        if (report.unacked > 0 || report.failed > 0) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
