import type { LogLevel } from '@embedq/config';
import { type Logger, pino } from 'pino';

/** JSON lines on stdout, as Heroku's log router and docker expect. */
export function createLogger(level: LogLevel, workerId: string): Logger {
  return pino({ level, base: { service: 'worker', workerId } });
}
