// Which cores the load generator and the server run on. On two cores, the generator,
// the server's event loop and its SQLite writer thread are three busy threads, and
// the scheduler moving them between the cores shows in the tail as much as the server
// does: a CI job calling the gate runs on another machine, not on the server's cores.
// So the gate bench gives the generator a core of its own (the last one this process
// may use) and the servers the rest; BENCH_SHARED_CORES=1 lets them share, as the
// figures before 2026-12-05 were taken.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuSplit {
  /** CPU lists in taskset's form ("1", "0-2"). */
  readonly generator: string;
  readonly servers: string;
}

/** The split for this machine, or undefined when the cores are shared (asked, one core, no taskset). */
export function cpuSplit(environment: NodeJS.ProcessEnv = process.env): CpuSplit | undefined {
  if (environment.BENCH_SHARED_CORES === '1') return undefined;
  const cpus = allowedCpus();
  if (cpus === undefined || cpus.length < 2 || !hasTaskset()) return undefined;
  return { generator: String(cpus.at(-1)), servers: cpus.slice(0, -1).join(',') };
}

/** Pins every thread of `pid` (threads it starts later inherit it) to `cpus`. */
export function pin(pid: number | undefined, cpus: string): void {
  if (pid === undefined) return;
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], {
    stdio: 'ignore',
  });
}

/** How the cores were used, for a bench's footnote. */
export function describeSplit(split: CpuSplit | undefined): string {
  return split === undefined
    ? 'the generator and the server share the cores'
    : `the generator on CPU ${split.generator}, the server on CPU ${split.servers} (BENCH_SHARED_CORES=1 to share them)`;
}

/** The CPUs this process may run on, from /proc (Linux); undefined elsewhere. */
function allowedCpus(): number[] | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
    return list === undefined ? undefined : parseCpuList(list);
  } catch {
    return undefined;
  }
}

/** "0-2,4" as [0, 1, 2, 4]. */
export function parseCpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [first, last = first] = part.split('-').map(Number);
    if (first === undefined || last === undefined) return [];
    return Array.from({ length: last - first + 1 }, (_, index) => first + index);
  });
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
