import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { limitHeavyQueries } from './heavy-queries.js';

describe('limitHeavyQueries', () => {
  it('lets the event loop turn between two heavy queries that do no I/O', async () => {
    let completed = 0;
    const app = new Hono();
    app.use('/heavy', limitHeavyQueries({ concurrency: 1, queue: 100 }));
    // A heavy query answered from memory: promises, but no I/O, like a warm readings cache.
    app.get('/heavy', async (c) => {
      await Promise.resolve();
      completed += 1;
      return c.text('ok');
    });
    const answers = Array.from({ length: 20 }, () => app.request('/heavy'));
    // A light request arriving now is read at the loop's next turn: stand-in, an immediate.
    const seenAtNextTurn = await new Promise<number>((resolve) =>
      setImmediate(() => resolve(completed)),
    );
    expect(seenAtNextTurn).toBeLessThan(20);
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(completed).toBe(20);
  });
});
