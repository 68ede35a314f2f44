import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; `silent` in tests unless LOG_LEVEL says otherwise. */
export function createLogger(level: string, name = 'wattledger'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
