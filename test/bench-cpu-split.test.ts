import { describe, expect, it } from 'vitest';
import { cpuSplit, describeSplit, parseCpuList } from '../bench/cpu-split.js';

describe("the gate bench's split of the cores", () => {
  it('reads the kernel’s CPU lists', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList('3')).toEqual([3]);
  });

  it('lets the generator and the server share the cores when asked', () => {
    expect(cpuSplit({ BENCH_SHARED_CORES: '1' })).toBeUndefined();
    expect(describeSplit(undefined)).toMatch(/share the cores/);
  });

  it('gives the generator the last CPU and the servers the others', () => {
    const split = cpuSplit({});
    // One core, or no taskset: nothing to split.
    if (split === undefined) return;
    const servers = parseCpuList(split.servers);
    expect(servers.length).toBeGreaterThan(0);
    expect(servers).not.toContain(Number(split.generator));
    expect(Number(split.generator)).toBeGreaterThan(Math.max(...servers));
  });
});
