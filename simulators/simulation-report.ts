import type { FleetStepper } from './fleet-stepper.js';
import type { FaultKind, InjectedFault } from './injected-faults.js';
import type { PublisherStats } from './publisher.js';
import type { SendTally } from './send-tally.js';
import type { SimReading } from './wire-format.js';

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
  /** Faulty messages published (one each), all expected to become rejections. */
  readonly rejectsPublished: number;
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
  /**
   * Every valid reading sent, by `${meterId}@${ts}`: each must be stored exactly once.
   * Empty when `track` is false.
   */
  readonly expectedStored: ReadonlyMap<string, SimReading>;
}

/** The report of a finished run, from what its stepper, send tally and publisher counted. */
export function simulationReport(run: {
  readonly meters: number;
  readonly intervalMs: number;
  readonly from: number;
  readonly stepper: FleetStepper;
  readonly tally: SendTally;
  readonly stats: PublisherStats;
}): SimulationReport {
  const { stepper, tally, stats: s } = run;
  return {
    meters: run.meters,
    intervalMs: run.intervalMs,
    simulated: { from: run.from, to: stepper.lastTs() },
    messagesPublished: tally.messages,
    readingsPublished: tally.readings,
    rejectsPublished: tally.rejects,
    arrayMessages: tally.arrays,
    maxArrayLength: tally.maxArray,
    acked: s.acked,
    failed: s.failed,
    unacked: s.published - s.acked - s.failed,
    outages: stepper.outages(),
    faults: { counts: { ...stepper.injector.counts }, injected: stepper.injector.injected },
    expectedStored: tally.expected ?? new Map(),
  };
}
