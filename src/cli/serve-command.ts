import { Option, type Command } from 'commander';
import { parseConfig } from '../config.js';
import { startWattledger } from '../main.js';

/**
 * `wattledger serve [--role all|api|ingest|jobs]`: run broker (embedded or external), ingest, API,
 * jobs and, in the default mode, the demo; a role runs one part so each scales on its own
 * (docs/operations.md).
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description(
      'run wattledger (embedded broker and stores unless MQTT_URL / INFLUX_URL / DATABASE_URL are set)',
    )
    .addOption(
      new Option('--role <role>', 'what this process runs (default: ROLE or all)').choices([
        'all',
        'api',
        'ingest',
        'jobs',
      ]),
    )
    .action(async (opts: { role?: string }) => {
      const running = await startWattledger(parseConfig(undefined, { ROLE: opts.role }));
      const lines = [
        `wattledger is running (role ${running.role})`,
        `  HTTP   ${running.httpUrl}  (${running.role === 'all' || running.role === 'api' ? 'API /v1, docs /docs, /openapi.json, ' : ''}/healthz /readyz /metrics)`,
      ];
      if (running.role === 'all' || running.role === 'api')
        lines.push(
          `  WEB    ${running.httpUrl}/  (customer app)   ${running.httpUrl}/staff  (staff console)`,
        );
      if (running.mqttUrl !== '')
        lines.push(`  MQTT   ${running.mqttUrl}  (topic meters/{meterId}/readings)`);
      const k = running.demoKeys;
      if (k !== undefined) {
        lines.push(
          '  demo keys (Authorization: Bearer <key>):',
          `    admin     ${k.admin}`,
          `    staff     ${k.staff}`,
          `    customer  ${k.customer}  (meter ${k.customerMeterId})`,
        );
        lines.push(
          `  try: curl -H 'Authorization: Bearer ${k.customer}' '${running.httpUrl}/v1/meters/${k.customerMeterId}/consumption?groupBy=day&from=${new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z&to=${new Date().toISOString().slice(0, 10)}T00:00:00Z'`,
        );
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
