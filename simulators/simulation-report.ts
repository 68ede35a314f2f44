import type { FleetStepper } from './fleet-stepper.js';
import type { QuirkKind } from './formats/device-message.js';
import type { FaultKind, InjectedFault } from './injected-faults.js';
import type { ExchangeRequest, MeterEvent } from './meter-events.js';
import type { PublisherStats } from './publisher.js';
import type { QuirkRejection, SendTally } from './send-tally.js';
import type { ExpectedReading } from './wire-format.js';

/**
 * The outcome of a run: what was sent, what the receiver must have stored,
 * what it must have rejected.
 */
export interface SimulationReport {
  readonly meters: number;
  readonly intervalMs: number;
  /** First and last simulated reading times (epoch ms); `to` is undefined when nothing was read. */
  readonly simulated: { readonly from: number; readonly to: number | undefined };
  readonly messagesPublished: number;
  /** Valid reading objects published, counting every array element and every resend. */
  readonly readingsPublished: number;
  /**
   * Messages published that must become rejections: faulty messages, and device messages that
   * carry no reading (`quirks.rejections`).
   */
  readonly rejectsPublished: number;
  /**
   * Of `readingsPublished`, the readings sent without a time their format trusts: the receiver
   * stores each at its time of receipt (`expectedAtReceipt`), not under `expectedStored`.
   */
  readonly readingsAtReceipt: number;
  /**
   * Readings not sent at all: a device without a time of its own cannot send them once they are
   * past (a backlog, a reading held back), since they would be stored at the wrong time.
   */
  readonly unsentWithoutTime: number;
  /** Messages carrying a JSON array (backlog), and the longest array sent. */
  readonly arrayMessages: number;
  readonly maxArrayLength: number;
  /** Messages whose PUBACK arrived; `failed` errored; `unacked` had neither when the run ended. */
  readonly acked: number;
  readonly failed: number;
  readonly unacked: number;
  readonly outages: number;
  readonly faults: {
    readonly counts: Readonly<Record<FaultKind, number>>;
    readonly injected: readonly InjectedFault[];
  };
  /** Device quirks shown, by kind, and the messages among them that must be rejected. */
  readonly quirks: {
    readonly counts: Readonly<Record<QuirkKind, number>>;
    readonly rejections: readonly QuirkRejection[];
  };
  /**
   * Every valid reading sent at its own time, by `${meterId}@${ts}`, as its format reports it: each
   * must be stored exactly once. Empty when `track` is false.
   */
  readonly expectedStored: ReadonlyMap<string, ExpectedReading>;
  /**
   * Every reading sent without a time its format trusts, in sending order: each message is stored
   * at its time of receipt (two identical ones received in the same millisecond are one reading).
   * Its `ts` is when the simulated meter took it. Empty when `track` is false.
   */
  readonly expectedAtReceipt: readonly ExpectedReading[];
  /**
   * The meter events injected, and the exchanges carried out (their final and start indexes are
   * in `expectedStored`). The receiver stores a reset, wrapped or jittered meter's readings on its
   * continuous index, so `expectedStored` holds those meters' device values: compare them by key,
   * and their consumption by the increases of the index.
   */
  readonly meterEvents: {
    readonly events: readonly MeterEvent[];
    readonly exchanged: readonly ExchangeRequest[];
  };
}

/** The report of a finished run, from what its stepper, send tally and publisher counted. */
export function simulationReport(run: {
  readonly meters: number;
  readonly intervalMs: number;
  readonly from: number;
  readonly stepper: FleetStepper;
  readonly tally: SendTally;
  readonly stats: PublisherStats;
  readonly events?: readonly MeterEvent[] | undefined;
  readonly exchanged?: readonly ExchangeRequest[] | undefined;
}): SimulationReport {
  const { stepper, tally, stats: s } = run;
  return {
    meters: run.meters,
    intervalMs: run.intervalMs,
    simulated: { from: run.from, to: stepper.lastTs() },
    messagesPublished: tally.messages,
    readingsPublished: tally.readings,
    rejectsPublished: tally.rejects,
    readingsAtReceipt: tally.atReceipt,
    unsentWithoutTime: stepper.unsent(),
    arrayMessages: tally.arrays,
    maxArrayLength: tally.maxArray,
    acked: s.acked,
    failed: s.failed,
    unacked: s.published - s.acked - s.failed,
    outages: stepper.outages(),
    faults: { counts: { ...stepper.injector.counts }, injected: stepper.injector.injected },
    quirks: { counts: { ...tally.quirks }, rejections: tally.quirkRejections ?? [] },
    expectedStored: tally.expected ?? new Map(),
    expectedAtReceipt: tally.expectedAtReceipt ?? [],
    meterEvents: { events: run.events ?? [], exchanged: run.exchanged ?? [] },
  };
}
