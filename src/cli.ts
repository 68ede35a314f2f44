#!/usr/bin/env node
import { Command } from 'commander';
import { registerSimulateCommand } from '../simulators/cli.js';
import { registerBrokerAuthCommand } from './cli/broker-auth-command.js';
import { registerMeterCommands } from './cli/meter-commands.js';
import { registerServeCommand } from './cli/serve-command.js';

/**
 * `wattledger <command>`: serve (default), simulate, meters, broker-auth. Configuration comes from
 * the environment.
 */
const program = new Command()
  .name('wattledger')
  .description(
    'Energy consumption against billing: MQTT meters -> InfluxDB, exact consumption, honest bills.',
  )
  .showHelpAfterError();
registerServeCommand(program);
registerMeterCommands(program);
registerSimulateCommand(program);
registerBrokerAuthCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
