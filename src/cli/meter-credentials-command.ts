import type { Command } from 'commander';
import { readingsTopicOf } from '../broker/embedded-acl.js';
import { resolveMeterSecret } from '../broker/meter-secret.js';
import { meterPassword } from '../broker/mosquitto-auth.js';
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
    .description("print a meter's MQTT credentials as JSON: {username, password, topic}")
    .argument('<meterId>', 'the meter')
    .action(async (meterId: string) => {
      const config = parseConfig();
      const ledger = openLedger(config.ledgerUrl);
      let known: boolean;
      try {
        await migrateLedger(ledger);
        known = (await findMeters(ledger.db, [meterId])).length > 0;
      } finally {
        await ledger.close();
      }
      if (!known) throw new Error(`no meter ${meterId} in the ledger`);
      const secret = resolveMeterSecret({
        configured: config.METER_PASSWORD_SECRET,
        dataDir: config.DATA_DIR,
        create: config.embeddedBroker,
      });
      if (secret === undefined)
        throw new Error('no meter password secret: set METER_PASSWORD_SECRET');
      console.log(
        JSON.stringify({
          username: meterId,
          password: meterPassword(secret, meterId),
          topic: readingsTopicOf(meterId),
        }),
      );
    });
}
