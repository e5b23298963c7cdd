// Helpers for the heartbeat tests: definitions that compile, ISO instants as ms.
import { compileHeartbeat, type CompiledHeartbeat } from './compile.js';
import type { HeartbeatDefinition } from './model.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`not an instant: ${iso}`);
  return value;
}

export function iso(value: number | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

export function compiled(definition: HeartbeatDefinition): CompiledHeartbeat {
  const result = compileHeartbeat(definition);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.compiled;
}

export function cronCheck(
  expression: string,
  timeZone: string,
  graceMs: number,
  extra: Partial<HeartbeatDefinition> = {},
): CompiledHeartbeat {
  return compiled({
    name: 'job',
    schedule: { kind: 'cron', expression, timeZone },
    graceMs,
    ...extra,
  });
}

export function periodCheck(
  periodMs: number,
  graceMs: number,
  extra: Partial<HeartbeatDefinition> = {},
): CompiledHeartbeat {
  return compiled({ name: 'job', schedule: { kind: 'period', periodMs }, graceMs, ...extra });
}
