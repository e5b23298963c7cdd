// Stable keys for alerts that arrive without one. FNV-1a 64 rather than a crypto hash:
// the core has no node:crypto, the keys only need to be stable and well spread, and it
// is what Prometheus and Alertmanager use for label-set fingerprints, so ours agree.

const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
/** Between label names and values: 0xFF never occurs in UTF-8, so no two sets collide by shape. */
const SEPARATOR = 0xff;

const utf8 = new TextEncoder();

function addBytes(hash: bigint, bytes: Uint8Array): bigint {
  let h = hash;
  for (const byte of bytes) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * PRIME);
  return h;
}

function addByte(hash: bigint, byte: number): bigint {
  return BigInt.asUintN(64, (hash ^ BigInt(byte)) * PRIME);
}

function hex64(hash: bigint): string {
  return hash.toString(16).padStart(16, '0');
}

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  return hex64(addBytes(OFFSET_BASIS, utf8.encode(text)));
}

/**
 * The fingerprint of a label set, computed as Prometheus' `LabelSet.Fingerprint` does
 * (names sorted; name, 0xFF, value, 0xFF for each): for the label sets Alertmanager
 * sends, it equals the alert's `fingerprint`. Names sort by UTF-16 code units, which is
 * Go's byte order for the ASCII names Prometheus allows.
 */
export function labelFingerprint(labels: Readonly<Record<string, string>>): string {
  let hash = OFFSET_BASIS;
  for (const name of Object.keys(labels).sort()) {
    hash = addBytes(hash, utf8.encode(name));
    hash = addByte(hash, SEPARATOR);
    hash = addBytes(hash, utf8.encode(labels[name] ?? ''));
    hash = addByte(hash, SEPARATOR);
  }
  return hex64(hash);
}
