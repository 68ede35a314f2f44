import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../src/shared/clock.js';
import type { FaultRates } from './injected-faults.js';
import { makeFleet, type MeterDefinition } from './fleet.js';
import { bindFleet, deviceLoginsOf, type SimFormat } from './formats/device.js';
import { createFleetStepper, type FleetStepper, type Phase } from './fleet-stepper.js';
import { alignDown, parseInterval } from './interval.js';
import { MAX_READINGS_PER_MESSAGE } from './message-plan.js';
import type { ExchangeRequest, MeterEvent, MeterExchanger } from './meter-events.js';
import { connectMeterPublishers } from './meter-publishers.js';
import { connectPublisher } from './publisher.js';
import { createSendTally, publishPlanned } from './send-tally.js';
import { simulationReport, type SimulationReport } from './simulation-report.js';
import { rfc3339 } from './wire-format.js';

/** The zone of the demo's contracts, and of the fleet's load curves (Central European Time). */
export const DEFAULT_TIMEZONE = 'Europe/Paris';

/** Options of {@link runSimulation}. */
export interface SimulationOptions {
  readonly mqttUrl: string;
  /** Fleet size (ignored when `fleet` is given). */
  readonly meters: number;
  /** '1m' | '5m' | '15m' | '30m' | '1h' or ms; default '15m'. */
  readonly interval?: string | number | undefined;
  /**
   * Simulated ms per wall ms once caught up; default 1. Above 1, readings
   * run ahead of the wall clock.
   */
  readonly speed?: number | undefined;
  /** First simulated instant, epoch ms (aligned down to the interval); default now. */
  readonly from?: number | undefined;
  /** Stop once simulated time reaches this, epoch ms; default: run until `signal` aborts. */
  readonly until?: number | undefined;
  readonly seed?: number | undefined;
  readonly faults?: FaultRates | undefined;
  /** Probability per live reading that the meter then goes offline for 2–48 intervals. */
  readonly outageRate?: number | undefined;
  /** Meter events to inject: resets, wraps, jitter, exchanges (meter-events.ts). */
  readonly events?: readonly MeterEvent[] | undefined;
  /**
   * Carries out the exchanges among `events` (`POST /v1/meters/{id}/exchange`); required when
   * there are any.
   */
  readonly exchanger?: MeterExchanger | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly mqttUsername?: string | undefined;
  readonly mqttPassword?: string | undefined;
  /**
   * Log each meter in with its own credentials (one connection per meter, password derived from
   * this secret) instead of `mqttUsername` for all.
   */
  readonly meterSecret?: string | undefined;
  readonly clientId?: string | undefined;
  /** Meter id prefix, default 'sim-'. */
  readonly prefix?: string | undefined;
  /** Installation instant of every generated meter. */
  readonly installedAt?: number | undefined;
  /** Use these meters instead of generating `meters` of them. */
  readonly fleet?: readonly MeterDefinition[] | undefined;
  /**
   * The format every generated meter speaks (default `wattledger`); a given `fleet` says per meter
   * (`device`).
   */
  readonly format?: SimFormat | undefined;
  /** The time zone device local times are written in (the meters' contracts'); Europe/Paris. */
  readonly timezone?: string | undefined;
  /** Device topics, `{id}` standing for the meter id; default each family's usual topic. */
  readonly topicTemplate?: string | undefined;
  /** Keep `expectedStored` and the injected fault list (default true; off for endless runs). */
  readonly track?: boolean | undefined;
  readonly maxInFlight?: number | undefined;
  /** How long to wait for the last PUBACKs at the end, wall ms; default 30 s. */
  readonly drainTimeoutMs?: number | undefined;
  /** Longest single wait in the live phase, wall ms; default 1000. */
  readonly pollMs?: number | undefined;
  /** Wall ms between live progress lines; default 60 s. */
  readonly progressEveryMs?: number | undefined;
}

/**
 * What is needed from outside: the clock ("now" for simulated time and
 * skewed timestamps) and a log.
 */
export interface SimulationDeps {
  readonly clock: Clock;
  readonly log?: ((msg: string) => void) | undefined;
}

/**
 * Run the meter fleet simulator against an MQTT broker.
 *
 * Simulated time starts at `from`. The catch-up phase sends everything up to the wall clock as
 * fast as the broker acks it, as backlog arrays of at most 1000 readings. The live phase then
 * follows `start + (wall - wallStart) * speed`, one reading per message (outages end in a
 * backlog). At `until` (or on abort) meters release what they held back, the last PUBACKs are
 * awaited (bounded by `drainTimeoutMs`) and the report is returned.
 */
export async function runSimulation(
  opts: SimulationOptions,
  deps: SimulationDeps,
): Promise<SimulationReport> {
  const { clock } = deps;
  const log = deps.log ?? (() => undefined);
  const intervalMs = parseInterval(opts.interval ?? '15m');
  const speed = opts.speed ?? 1;
  if (!(speed > 0 && Number.isFinite(speed)))
    throw new RangeError(`speed must be a positive number, not ${speed}`);
  const seed = opts.seed ?? 1;
  const fleet =
    opts.fleet ??
    bindFleet(
      makeFleet({ meters: opts.meters, seed, prefix: opts.prefix, installedAt: opts.installedAt }),
      {
        format: opts.format ?? 'wattledger',
        timezone: opts.timezone ?? DEFAULT_TIMEZONE,
        topicTemplate: opts.topicTemplate,
      },
    );
  if (fleet.length === 0) throw new RangeError('the fleet has no meters');
  const until = opts.until ?? Number.POSITIVE_INFINITY;
  const from = alignDown(opts.from ?? clock.now(), intervalMs);
  const track = opts.track ?? true;
  const pollMs = opts.pollMs ?? 1000;
  const aborted = () => opts.signal?.aborted === true;
  if (speed > 1)
    log(
      `speed ${speed}: live readings will run ahead of the wall clock; a receiver rejects those more than 5 min ahead`,
    );

  const stepper: FleetStepper = createFleetStepper({
    fleet,
    intervalMs,
    startTs: from,
    seed,
    faults: opts.faults,
    outageRate: opts.outageRate,
    track,
    events: opts.events,
  });
  const pending = [...stepper.exchanges];
  const exchanger = opts.exchanger;
  if (pending.length > 0 && exchanger === undefined)
    throw new RangeError('a meter exchange needs the API: give an exchanger (--api, --api-key)');
  const tally = createSendTally(track);
  const pub =
    opts.meterSecret === undefined
      ? await connectPublisher({
          url: opts.mqttUrl,
          username: opts.mqttUsername,
          password: opts.mqttPassword,
          clientId: opts.clientId,
          maxInFlight: opts.maxInFlight,
          log,
        })
      : await connectMeterPublishers({
          url: opts.mqttUrl,
          meterSecret: opts.meterSecret,
          deviceLogins: deviceLoginsOf(fleet),
          clientId: opts.clientId ?? `wattledger-sim-${process.pid}`,
          maxInFlight: opts.maxInFlight,
          log,
        });
  const stepTo = (simTime: number, phase: Phase, max?: number) =>
    publishPlanned(pub, stepper.step(simTime, clock.now(), phase, max), tally, opts.signal);
  // The fleet never steps past an exchange not yet made: its new meter must exist first.
  const capped = (t: number) => Math.min(t, pending[0]?.at ?? Number.POSITIVE_INFINITY);
  const exchanged: ExchangeRequest[] = [];
  const exchangeDue = async () => {
    for (let x = pending[0]; x !== undefined && stepper.nextTs() > x.at; x = pending[0]) {
      pending.shift();
      // The old meter's readings are stored (acked) before the exchange checks its final index.
      await pub.drain(opts.drainTimeoutMs ?? 30_000);
      await exchanger?.(x);
      exchanged.push(x);
      for (const [meterId, index] of [
        [x.meterId, x.finalIndex],
        [x.newMeterId, x.startIndex],
      ] as const)
        tally.expected?.set(`${meterId}@${x.at}`, { meterId, ts: x.at, ...index });
      log(`exchanged meter ${x.meterId} for ${x.newMeterId} at ${rfc3339(x.at)}`);
    }
  };
  log(
    `simulating ${fleet.length} meters every ${intervalMs / 60_000} min from ${rfc3339(from)}${Number.isFinite(until) ? ` until ${rfc3339(until)}` : ''}`,
  );

  try {
    // Catch-up: windows of at most 1000 intervals, up to the wall clock (which moves meanwhile).
    for (;;) {
      await exchangeDue();
      const target = capped(Math.min(alignDown(clock.now(), intervalMs), until));
      const next = stepper.nextTs();
      if (aborted() || next > target) break;
      const windowEnd = Math.min(target, next + (MAX_READINGS_PER_MESSAGE - 1) * intervalMs);
      await stepTo(windowEnd, 'catchUp', MAX_READINGS_PER_MESSAGE);
      log(
        `catch-up to ${rfc3339(windowEnd)}: ${tally.readings} readings in ${tally.messages} messages`,
      );
    }

    // Live: simulated time follows the wall clock at `speed`.
    const wallStart = clock.now();
    // Simulated time starts at the wall clock, or at `from` when that lies in the future.
    const simStart = Math.max(wallStart, from);
    let lastProgress = wallStart;
    while (!aborted() && stepper.nextTs() <= until) {
      await exchangeDue();
      const simNow = simStart + (clock.now() - wallStart) * speed;
      if (stepper.nextTs() <= capped(Math.min(simNow, until)))
        await stepTo(capped(Math.min(simNow, until)), 'live');
      if (clock.now() - lastProgress >= (opts.progressEveryMs ?? 60_000)) {
        lastProgress = clock.now();
        log(
          `live at ${rfc3339(Math.min(simNow, until))}: ${tally.readings} readings in ${tally.messages} messages, ${pub.stats().acked} acked`,
        );
      }
      if (stepper.nextTs() > until) break;
      const wait = Math.min(pollMs, Math.max(5, (stepper.nextTs() - simNow) / speed));
      await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
    }

    await publishPlanned(pub, stepper.finish(clock.now()), tally, opts.signal);
  } catch (e) {
    // Aborted while the broker was not acking: stop sending, report what went out.
    if (!(aborted() && e instanceof Error && e.name === 'AbortError')) {
      await pub.close();
      throw e;
    }
    log('aborted while waiting for the broker: the rest was not sent');
  }
  try {
    const drained = await pub.drain(opts.drainTimeoutMs ?? 30_000);
    if (!drained) log(`gave up waiting for ${pub.stats().inFlight} PUBACKs`);
  } finally {
    await pub.close();
  }

  const report = simulationReport({
    meters: fleet.length,
    intervalMs,
    from,
    stepper,
    tally,
    stats: pub.stats(),
    events: opts.events,
    exchanged,
  });
  log(
    `done: ${report.readingsPublished} readings in ${report.messagesPublished} messages, ${report.acked} acked`,
  );
  return report;
}
