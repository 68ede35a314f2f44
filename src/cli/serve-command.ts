import type { Command } from 'commander';
import { parseConfig } from '../config.js';
import { startWattledger } from '../main.js';

/** `wattledger serve`: run broker (embedded or external), ingest, API and, in the default mode, the demo. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run wattledger (embedded broker and stores unless MQTT_URL / INFLUX_URL / DATABASE_URL are set)')
    .action(async () => {
      const running = await startWattledger(parseConfig());
      console.log(`\nwattledger is running\n  HTTP   ${running.httpUrl}  (/healthz /readyz /metrics)\n  MQTT   ${running.mqttUrl}  (topic meters/{meterId}/readings)\n`);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        running.log.info({ signal }, 'shutting down: draining the spool');
        running.stop(10_000).then(
          () => process.exit(0),
          (e: unknown) => {
            running.log.error({ err: e }, 'unclean shutdown');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
}
