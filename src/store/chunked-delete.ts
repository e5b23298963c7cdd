// Retention's deletes, a chunk at a time: on SQLite each statement holds the event loop
// and the write lock for as long as it runs, and a backlog (the first run after a long
// stop) may be millions of rows. The requests that arrive meanwhile go between chunks.

/** Runs `deleteChunk` (which deletes at most `chunk` rows, oldest first) until it deletes fewer; returns the total. */
export async function deleteInChunks(
  chunk: number,
  deleteChunk: () => Promise<number>,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await deleteChunk();
    deleted += count;
    if (count < chunk) return deleted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
