// Bytes a child process has had written to storage, from /proc (Linux): what its
// commits and WAL checkpoints cost the disk. Unlike requests per second it does not move
// with whatever else runs on the machine, so it tells a change in the write path apart
// from noise.
import { readFileSync } from 'node:fs';

/** write_bytes of /proc/<pid>/io (all threads); undefined where it cannot be read. */
export function processWrittenBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${String(pid)}/io`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
