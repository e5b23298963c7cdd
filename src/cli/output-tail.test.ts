import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { omittedNotice, OutputTail } from './output-tail.js';

function tailOf(limit: number, ...chunks: (string | Buffer)[]): string {
  const tail = new OutputTail(limit);
  for (const chunk of chunks) tail.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return tail.text();
}

describe('the end of a job’s output, as headroom run sends it', () => {
  it('is all of it while it fits', () => {
    expect(tailOf(100, 'exporting\n', 'disk full\n')).toBe('exporting\ndisk full\n');
    expect(tailOf(100)).toBe('');
    expect(tailOf(5, 'abcde')).toBe('abcde');
  });

  it('keeps the end, after a line saying how much was left out, within the limit', () => {
    const lines = Array.from({ length: 200 }, (_, index) => `line ${String(index)}\n`);
    const text = tailOf(120, ...lines);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(120);
    expect(text.endsWith('line 198\nline 199\n')).toBe(true);
    const [notice] = text.split('\n');
    const kept = text.slice(Buffer.byteLength(`${notice ?? ''}\n`));
    const written = Buffer.byteLength(lines.join(''));
    expect(`${notice ?? ''}\n`).toBe(omittedNotice(written - Buffer.byteLength(kept)));
  });

  it('begins at a whole character, and leaves off one the output stopped in the middle of', () => {
    // "é" is two bytes: a cut between them would begin the log with U+FFFD.
    const text = tailOf(100, 'é'.repeat(100));
    expect(text).not.toContain('\uFFFD');
    expect(text.endsWith('éé')).toBe(true);
    const euro = Buffer.from('€'); // three bytes
    expect(tailOf(100, 'total 5', euro.subarray(0, 2))).toBe('total 5');
    expect(tailOf(100, 'price: ', euro)).toBe('price: €');
  });

  it('gives the end alone when the limit has no room for the line', () => {
    expect(tailOf(4, 'abcdefgh')).toBe('efgh');
  });

  it('is at most the limit, the end of the output, for any UTF-8 output in any chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 7 }),
        (pieces, limit, cut) => {
          const output = Buffer.from(pieces.join(''));
          // The same bytes in other chunks: a character may be split between two.
          const chunks: Buffer[] = [];
          for (let at = 0; at < output.length; at += cut)
            chunks.push(output.subarray(at, at + cut));
          const text = tailOf(limit, ...chunks);
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit);
          const whole = output.toString('utf8');
          if (output.length <= limit) {
            expect(text).toBe(whole);
            return;
          }
          const notice = /^\[headroom run: the first (\d+) bytes of output are left out\]\n/.exec(
            text,
          );
          const kept = notice === null ? text : text.slice(notice[0].length);
          expect(whole.endsWith(kept)).toBe(true);
          if (notice !== null) {
            expect(Number(notice[1])).toBe(output.length - Buffer.byteLength(kept));
          }
        },
      ),
    );
  });
});
