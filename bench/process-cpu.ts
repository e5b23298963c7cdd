// CPU time a child process has used, from /proc (Linux): on a shared machine the
// server's CPU per request is a steadier figure than requests per second, which moves
// with whatever else runs on the cores.
import { readFileSync } from 'node:fs';

/** User + system CPU milliseconds of process `pid`; undefined where /proc is missing. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  return cpuMsOf(`/proc/${String(pid)}/stat`);
}

/**
 * CPU milliseconds of the process's main thread (its event loop) alone; the rest of
 * processCpuMs is its other threads (the SQLite writer, V8's GC helpers, libuv's pool).
 */
export function mainThreadCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  return cpuMsOf(`/proc/${String(pid)}/task/${String(pid)}/stat`);
}

function cpuMsOf(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // Fields after the command (which may hold spaces): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux Node.js runs on.
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Microseconds of CPU per request between two readings; undefined without both or without requests. */
export function cpuPerRequestUs(
  beforeMs: number | undefined,
  afterMs: number | undefined,
  requests: number,
): number | undefined {
  if (beforeMs === undefined || afterMs === undefined || requests === 0) return undefined;
  return (1000 * (afterMs - beforeMs)) / requests;
}
