import type { Command } from 'commander';
import { meterCredentials } from '../broker/meter-credentials.js';
import { resolveMeterSecret } from '../broker/meter-secret.js';
import type { Meter } from '../fleet/meter.js';
import { parseConfig } from '../config.js';
import { findMeters } from '../fleet/meters-repo.js';
import { openLedger } from '../ledger/connect.js';
import { migrateLedger } from '../ledger/migrate.js';

/**
 * `wattledger meters credentials <id>`: the MQTT username, password and topic to provision on a
 * meter. The password is derived from the secret the broker checks (METER_PASSWORD_SECRET, or the
 * embedded broker's in DATA_DIR), so the command needs the same environment as the server.
 */
export function registerMeterCredentialsCommand(meters: Command): void {
  meters
    .command('credentials')
    .description("print a meter's MQTT credentials as JSON: {username, password, topic, format}")
    .argument('<meterId>', 'the meter')
    .action(async (meterId: string) => {
      const config = parseConfig();
      const ledger = openLedger(config.ledgerUrl);
      let meter: Meter | undefined;
      try {
        await migrateLedger(ledger);
        [meter] = await findMeters(ledger.db, [meterId]);
      } finally {
        await ledger.close();
      }
      if (meter === undefined) throw new Error(`no meter ${meterId} in the ledger`);
      const secret = resolveMeterSecret({
        configured: config.METER_PASSWORD_SECRET,
        dataDir: config.DATA_DIR,
        create: config.embeddedBroker,
      });
      if (secret === undefined)
        throw new Error('no meter password secret: set METER_PASSWORD_SECRET');
      console.log(JSON.stringify(meterCredentials(secret, meter)));
    });
}
