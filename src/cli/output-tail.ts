// The end of a job's output, which `headroom run` sends as the run's log: where a job
// that failed says why. Bounded in bytes, because the server keeps a log of a given
// size (its `Ping-Body-Limit`) and would cut a longer one at its start's end.

/** Marks a log whose beginning was left out; counted within the limit. */
export function omittedNotice(bytes: number): string {
  return `[headroom run: the first ${String(bytes)} bytes of output are left out]\n`;
}

/** A UTF-8 continuation byte (10xxxxxx): the middle of a character, never its start. */
const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/** How many bytes the character a UTF-8 lead byte begins has (1 for anything else). */
function sequenceLength(lead: number): number {
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

/** Where the bytes end once a character the output stopped in the middle of is left off. */
function wholeCharactersEnd(bytes: Buffer): number {
  let lead = bytes.length - 1;
  while (lead > 0 && bytes.length - lead < 4 && isContinuation(bytes[lead] ?? 0)) lead -= 1;
  if (lead < 0) return bytes.length;
  return lead + sequenceLength(bytes[lead] ?? 0) > bytes.length ? lead : bytes.length;
}

export class OutputTail {
  private chunks: Buffer[] = [];
  /** Bytes held in `chunks`: at least the limit's worth once that much was written. */
  private held = 0;
  private written = 0;

  constructor(private readonly limitBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.held += chunk.length;
    this.written += chunk.length;
    // Whole chunks are let go once the rest still hold the limit: a chatty job's
    // output costs its copy, not a copy of the tail at each chunk.
    while (this.chunks.length > 1 && this.held - (this.chunks[0]?.length ?? 0) >= this.limitBytes) {
      this.held -= this.chunks.shift()?.length ?? 0;
    }
  }

  /**
   * The end of the output in at most `limitBytes` bytes, from and to whole characters
   * (one the output stopped in the middle of is left off), after a line saying how much
   * was left out when some was. Output that is not UTF-8 may come out longer: each byte
   * that is no character becomes U+FFFD.
   */
  text(): string {
    const all = Buffer.concat(this.chunks, this.held);
    const end = wholeCharactersEnd(all);
    if (this.written <= this.limitBytes) return all.subarray(0, end).toString('utf8');
    // Room for the notice at its longest: it cannot say more was left out than was written.
    const longest = Buffer.byteLength(omittedNotice(this.written));
    const withNotice = longest < this.limitBytes;
    let start = all.length - (withNotice ? this.limitBytes - longest : this.limitBytes);
    // A character cut in two would be decoded as U+FFFD, three bytes for each byte left.
    while (start < all.length && isContinuation(all[start] ?? 0)) start += 1;
    const kept = all.subarray(start, end).toString('utf8');
    const omitted = this.written - (all.length - start);
    return withNotice ? `${omittedNotice(omitted)}${kept}` : kept;
  }
}
