// Device-format runs of bench:ingest: meters bound to device topics, and the same readings as the
// wattledger run rendered by the simulator's renderers, as each device family publishes them.
import { defaultTopic } from '../simulators/formats/device.js';
import { rendererOf } from '../simulators/formats/renderers.js';
import type { SimReading } from '../simulators/wire-format.js';
import { tariffSchema } from '../src/billing/tariff-schema.js';
import { createContract } from '../src/fleet/contracts.js';
import { createCustomer } from '../src/fleet/customers.js';
import { addMeter } from '../src/fleet/meters-repo.js';
import { createTariff } from '../src/fleet/tariffs.js';
import type { DeviceFormatKey } from '../src/formats/registry.js';
import { openLedger } from '../src/ledger/connect.js';
import { migrateLedger } from '../src/ledger/migrate.js';
import { systemClock } from '../src/shared/clock.js';
import { DESIGN_TARIFF } from '../test/support/design-tariff.js';
import type { BenchMessage } from './bench-publisher.js';

/** The contracts' zone: devices write their local times in it, as in the demo. */
export const BENCH_ZONE = 'Europe/Paris';

export const BENCH_FORMATS: readonly DeviceFormatKey[] = [
  'tasmota',
  'shelly-gen2',
  'teleinfo',
  'dsmr-p1',
  'zigbee2mqtt',
];

/**
 * Register `meterIds` bound to `format`, each on its family's usual topic, under one contract in
 * the bench zone (local device times are resolved in it, as ingest does for a real fleet). In
 * transactions of 500: set-up is not what is measured.
 */
export async function registerBoundMeters(
  ledgerUrl: string,
  meterIds: readonly string[],
  format: DeviceFormatKey,
): Promise<void> {
  const ledger = openLedger(ledgerUrl);
  try {
    await migrateLedger(ledger);
    const deps = { db: ledger.db, clock: systemClock };
    const customer = await createCustomer(deps, { name: `Bench ${format}`, email: null });
    const tariff = await createTariff(deps, tariffSchema.parse(DESIGN_TARIFF));
    const contract = await createContract(deps, {
      customerId: customer.id,
      tariffId: tariff.id,
      timezone: BENCH_ZONE,
      startsAt: Date.parse('2026-02-01T00:00:00+01:00'),
      endsAt: null,
    });
    for (let i = 0; i < meterIds.length; i += 500)
      await ledger.db.transaction().execute(async (tx) => {
        for (const id of meterIds.slice(i, i + 500))
          await addMeter(
            { db: tx, clock: systemClock },
            {
              id,
              contractId: contract.id,
              installedAt: '2020-01-01T00:00:00Z',
              format,
              source: { topic: defaultTopic(format, id) },
            },
          );
      });
  } finally {
    await ledger.close();
  }
}

/**
 * The wattledger run's readings (`perMeter` per meter, 15 minutes apart, ending a minute ago, one
 * per message, meter after meter) in `format`, without device quirks. A reading its device would
 * send without a time (a local time in the repeated autumn hour) is left out: it would be stored
 * at receipt, out of line with the others. teleinfo frames carry no time at all and are stored at
 * receipt: their index stays put, since a burst of frames received milliseconds apart must not
 * imply an impossible power.
 */
export function formatMessages(
  meterIds: readonly string[],
  perMeter: number,
  format: DeviceFormatKey,
): BenchMessage[] {
  const renderer = rendererOf(format);
  const step = 15 * 60_000;
  const first = Math.floor((Date.now() - 60_000) / step) * step - (perMeter - 1) * step;
  const untimed = format === 'teleinfo';
  const out: BenchMessage[] = [];
  for (let i = 0; i < perMeter; i += 1) {
    for (const [m, id] of meterIds.entries()) {
      const r: SimReading = {
        meterId: id,
        ts: first + i * step,
        importWh: 5_000_000 + m * 7 + (untimed ? 0 : i * 180),
        exportWh: 0,
        powerW: 720.5,
      };
      const device = {
        format,
        topic: defaultTopic(format, id),
        timezone: BENCH_ZONE,
        quirks: false,
      };
      const ctx = { meterId: id, device, seed: 1, installedAt: Date.UTC(2020, 0, 1), fresh: false };
      for (const msg of renderer.render(r, ctx))
        if (untimed || (msg.outcome.kind === 'stored' && msg.outcome.tsSource === 'meter'))
          out.push({ topic: msg.topic, payload: msg.payload });
    }
  }
  return out;
}

/** A message of `format` on the meter's topic that ingest rejects (it carries no reading). */
export function malformedMessage(format: DeviceFormatKey, meterId: string): BenchMessage {
  const device = { format, topic: defaultTopic(format, meterId), timezone: BENCH_ZONE };
  const r: SimReading = { meterId, ts: Date.UTC(2026, 0, 15, 12), importWh: 0, powerW: 0 };
  const ctx = { meterId, device, seed: 1, installedAt: Date.UTC(2020, 0, 1), fresh: false };
  return { topic: device.topic, payload: rendererOf(format).malformed(r, ctx, 0).payload };
}
