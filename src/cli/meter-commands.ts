import type { Command } from 'commander';
import { parseConfig } from '../config.js';
import { addMeter, listMeters } from '../fleet/meters-repo.js';
import { openLedger } from '../ledger/connect.js';
import { migrateLedger } from '../ledger/migrate.js';
import { registerMeterCredentialsCommand } from './meter-credentials-command.js';
import { systemClock } from '../shared/clock.js';
import { toIso } from '../shared/time.js';
import { InvalidArgumentError } from 'commander';
import { DEVICE_FORMATS } from '../formats/device-format.js';
import type { NewMeter } from '../fleet/meter.js';

function parseJsonOption(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`not JSON: ${(e as Error).message}`);
  }
}

async function withLedger<T>(
  fn: (ledger: ReturnType<typeof openLedger>) => Promise<T>,
): Promise<T> {
  const ledger = openLedger(parseConfig().ledgerUrl);
  try {
    await migrateLedger(ledger);
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

/** `wattledger meters add|list|credentials`: manage the fleet ingest validates against. */
export function registerMeterCommands(program: Command): void {
  const meters = program
    .command('meters')
    .description('manage meters in the ledger (DATABASE_URL or DATA_DIR/ledger.db)');
  meters
    .command('add')
    .description('register a meter')
    .requiredOption('--id <meterId>', 'meter id (^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$)')
    .requiredOption('--installed-at <time>', 'installation time, RFC 3339')
    .option(
      '--max-power-w <watts>',
      'maximum plausible power in W (default: DEFAULT_MAX_POWER_W)',
      Number,
    )
    .option('--contract <contractId>', 'contract the meter belongs to')
    .option(
      '--format <format>',
      `how its device speaks: ${DEVICE_FORMATS.join(', ')} (default wattledger)`,
    )
    .option(
      '--source <json>',
      'device formats: {"topic": "...", "login"?: "...", ...format options} as JSON',
      parseJsonOption,
    )
    .action(
      async (o: {
        id: string;
        installedAt: string;
        maxPowerW?: number;
        contract?: string;
        format?: string;
        source?: unknown;
      }) => {
        const meter = await withLedger((l) =>
          addMeter({ db: l.db, clock: systemClock }, {
            id: o.id,
            installedAt: o.installedAt,
            maxPowerW: o.maxPowerW,
            contractId: o.contract,
            format: o.format,
            source: o.source,
          } as NewMeter),
        );
        console.log(JSON.stringify({ ...meter, installedAt: toIso(meter.installedAt) }));
      },
    );
  meters
    .command('list')
    .description('list meters as JSON lines')
    .action(async () => {
      for (const m of await withLedger((l) => listMeters(l.db)))
        console.log(JSON.stringify({ ...m, installedAt: toIso(m.installedAt) }));
    });
  registerMeterCredentialsCommand(meters);
}
