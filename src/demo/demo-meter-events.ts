import type { Kysely } from 'kysely';
import { exchangeBody } from '../../simulators/api-exchanger.js';
import type { MeterDefinition } from '../../simulators/fleet.js';
import type { MeterEvent, MeterExchanger } from '../../simulators/meter-events.js';
import { exchangeSchema } from '../fleet/exchange/exchange-schema.js';
import { exchangeMeter } from '../fleet/exchange/exchange-meter.js';
import type { Meter } from '../fleet/meter.js';
import { listMeters } from '../fleet/meters-repo.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { ReadingStore } from '../readings/reading-store.js';
import type { Clock } from '../shared/clock.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The register maximum of the demo's wrapping meter: 100 kWh, so it wraps every few weeks. */
export const DEMO_REGISTER_MAX_WH = 100_000;
/** The dip of the demo's jittering meter, and the tolerance its rules give it. */
const DEMO_DIP_WH = 3;
const DEMO_TOLERANCE_WH = 5;

/** Counter rules a demo meter is seeded with. */
export interface DemoCounterRules {
  readonly counterResets?: 'new-span' | undefined;
  readonly registerMaxWh?: number | undefined;
  readonly decreaseToleranceWh?: number | undefined;
}

/** A demo meter's event and the rules that make its readings stored rather than rejected. */
interface DemoMeterEvent {
  readonly event: MeterEvent;
  readonly rules: DemoCounterRules;
}

/** The id of the meter that replaces `meterId` in the demo's exchange. */
export const exchangedId = (meterId: string) => `${meterId}-x`;

/**
 * One meter of each event in the demo's backfill (docs/design.md §8 "Register spans and meter
 * exchanges"): a counter reset 10 days after installation, a wrap at 20 days, a jitter at 30 and an
 * exchange at 40 days, 10:00 UTC. They go to the wattledger-format households after the first
 * (whose key is printed and whose meter stays), in that order: a small fleet shows fewer. Pure: a
 * restarted demo finds the same events on the same meters.
 */
export function demoMeterEvents(
  meterIds: readonly string[],
  deviceBound: ReadonlySet<string>,
  installedAt: number,
): Map<string, DemoMeterEvent> {
  const at = (days: number) => installedAt + days * DAY + 10 * HOUR;
  const plans: ((meterId: string) => DemoMeterEvent)[] = [
    (meterId) => ({
      event: { kind: 'reset', meterId, at: at(10) },
      rules: { counterResets: 'new-span' },
    }),
    (meterId) => ({
      event: { kind: 'wrap', meterId, at: at(20), registerMaxWh: DEMO_REGISTER_MAX_WH },
      rules: { registerMaxWh: DEMO_REGISTER_MAX_WH },
    }),
    (meterId) => ({
      event: { kind: 'jitter', meterId, at: at(30), dipWh: DEMO_DIP_WH },
      rules: { decreaseToleranceWh: DEMO_TOLERANCE_WH },
    }),
    (meterId) => ({
      event: {
        kind: 'exchange',
        meterId,
        at: at(40),
        newMeterId: exchangedId(meterId),
        startImportWh: 0,
      },
      rules: {},
    }),
  ];
  const plain = meterIds.slice(1).filter((id) => !deviceBound.has(id));
  return new Map(plain.slice(0, plans.length).map((id, i) => [id, plans[i]!(id)] as const));
}

/**
 * The events the ledger's meters are ready for: a meter seeded by another version without the
 * rules keeps publishing as before rather than have its readings refused.
 */
export function eventsAllowed(
  planned: ReadonlyMap<string, DemoMeterEvent>,
  meters: readonly Meter[],
  fleet: readonly MeterDefinition[],
): MeterEvent[] {
  const byId = new Map(meters.map((m) => [m.id, m]));
  const plain = new Set(fleet.filter((d) => d.device === undefined).map((d) => d.meterId));
  return [...planned.values()].flatMap(({ event: e }) => {
    const m = byId.get(e.meterId);
    if (m === undefined || !plain.has(e.meterId)) return [];
    const ok =
      e.kind === 'reset'
        ? m.counterResets === 'new-span'
        : e.kind === 'wrap'
          ? m.registerMaxWh === e.registerMaxWh
          : e.kind === 'jitter'
            ? m.decreaseToleranceWh >= e.dipWh
            : true;
    return ok ? [e] : [];
  });
}

/**
 * The demo's exchanges, made in the ledger as staff would through the API (the demo runs before
 * the API listens): the old meter is closed with its final index, the new one registered on its
 * contract, and ingest told of both. An exchange an earlier run made is not made again.
 */
export function demoExchanger(deps: {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
  readonly store: Pick<ReadingStore, 'windows' | 'writeBatch'>;
  readonly meterChanged: () => Promise<void>;
}): MeterExchanger {
  return async (x) => {
    const old = (await listMeters(deps.db)).find((m) => m.id === x.meterId);
    if (old === undefined || old.removedAt !== null) return;
    await exchangeMeter(
      deps,
      { actor: 'demo-simulator' },
      x.meterId,
      exchangeSchema.parse(exchangeBody(x)),
    );
    await deps.meterChanged();
  };
}
