import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PING_BODY_LIMIT_BYTES } from '../../app/heartbeats.js';
import { readPingBody } from './heartbeats.js';

describe('readPingBody', () => {
  it('keeps the first bytes of a body of any size and reads the rest to its end', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    chunk.write('start', 0);
    const chunks = 1024; // 64 MiB: read through, never held
    const read = await readPingBody(
      Readable.from(
        (function* () {
          for (let index = 0; index < chunks; index++) yield chunk;
        })(),
      ),
    );
    expect(read.bytes).toBe(chunks * chunk.length);
    expect(read.head).toHaveLength(PING_BODY_LIMIT_BYTES);
    expect(read.head.subarray(0, 5).toString()).toBe('start');
  });

  it('keeps a short body whole, split over chunks', async () => {
    const read = await readPingBody(Readable.from([Buffer.from('disk '), Buffer.from('full\n')]));
    expect(read).toEqual({ head: Buffer.from('disk full\n'), bytes: 10 });
  });
});
