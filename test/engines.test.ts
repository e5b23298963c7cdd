// package.json promises Node 20.19 and later; a dependency that declares a newer Node
// only warns at install time, and would break us on the next Node 20-only change it
// makes. The lock file records each installed package's `engines`: hold them to ours.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const read = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
const manifest = read('package.json') as { engines: { node: string } };
const lock = read('package-lock.json') as { packages: Record<string, LockedPackage> };

const oldestSupported = semver.minVersion(manifest.engines.node)?.version ?? '';
/** The lines we say we run on, each at its first release we support and its latest. */
const supported = [oldestSupported, '20.99.0', '22.99.0', '24.99.0'];

function nodeRange(entry: LockedPackage): string | undefined {
  const { engines } = entry;
  // A few old packages list engines as an array of strings: none names a version.
  return engines === undefined || Array.isArray(engines)
    ? undefined
    : (engines as { node?: string }).node;
}

function refusing(versions: readonly string[], include: (entry: LockedPackage) => boolean) {
  return Object.entries(lock.packages).flatMap(([location, entry]) => {
    const range = nodeRange(entry);
    if (location === '' || range === undefined || !include(entry)) return [];
    const refused = versions.filter((version) => !semver.satisfies(version, range));
    return refused.length === 0
      ? []
      : [`${location} wants node ${range}: not ${refused.join(', ')}`];
  });
}

describe('the Node versions our dependencies accept', () => {
  it('starts from a real version', () => {
    expect(oldestSupported).toBe('20.19.0');
  });

  it('lets every runtime dependency run on each Node line we support', () => {
    expect(refusing(supported, (entry) => entry.dev !== true)).toEqual([]);
  });

  it('lets the tools the tests and build use run on the oldest Node we support, where CI runs', () => {
    expect(refusing([oldestSupported], (entry) => entry.dev === true)).toEqual([]);
  });
});
