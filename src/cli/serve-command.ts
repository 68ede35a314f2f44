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
      const lines = [
        'wattledger is running',
        `  HTTP   ${running.httpUrl}  (API /v1, docs /docs, /openapi.json, /healthz /readyz /metrics)`,
        `  MQTT   ${running.mqttUrl}  (topic meters/{meterId}/readings)`,
      ];
      const k = running.demoKeys;
      if (k !== undefined) {
        lines.push('  demo keys (Authorization: Bearer <key>):', `    admin     ${k.admin}`, `    staff     ${k.staff}`, `    customer  ${k.customer}  (meter ${k.customerMeterId})`);
        lines.push(`  try: curl -H 'Authorization: Bearer ${k.customer}' '${running.httpUrl}/v1/meters/${k.customerMeterId}/consumption?groupBy=day&from=${new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z&to=${new Date().toISOString().slice(0, 10)}T00:00:00Z'`);
      }
      console.log(`\n${lines.join('\n')}\n`);
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
