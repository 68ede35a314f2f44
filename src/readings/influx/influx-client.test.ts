import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInfluxClient } from './influx-client.js';
import { quoteIdent, quoteString } from './influxql.js';

// The real-server behaviour is covered by test/readings/influx-store.test.ts against influxd 1.6.
// This stub plays the answers a 1.6 cannot be made to give on demand: 5xx, 429, 2.x/3.x error
// shapes.
let server: Server;
let url = '';
let next: { status: number; body: string; headers?: Record<string, string> } = {
  status: 204,
  body: '',
};
/** Answers given first, in order, before `next`. */
let queued: (typeof next)[] = [];
let requests = 0;
let seen: { url: string; headers: IncomingHttpHeaders; body: string } | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen = { url: req.url ?? '', headers: req.headers, body };
      requests += 1;
      const answer = queued.shift() ?? next;
      res
        .writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' })
        .end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  url = `http://127.0.0.1:${address.port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = undefined;
  queued = [];
  requests = 0;
});

const client = () => createInfluxClient({ url, database: 'energy' });

describe('write', () => {
  it('posts line protocol with db and precision=ms', async () => {
    next = { status: 204, body: '' };
    await client().write('m f=1i 1');
    expect(seen?.url).toBe('/write?db=energy&precision=ms');
    expect(seen?.body).toBe('m f=1i 1');
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it.each([
    [400, '{"error":"partial write: field type conflict dropped=1"}', true, /field type conflict/],
    [
      400,
      '{"error":"partial write: points beyond retention policy dropped=1"}',
      false,
      /retention policy/,
    ],
    [401, '{"error":"authorization failed"}', true, /authorization failed/],
    [404, '{"error":"database not found: \\"energy\\""}', true, /database not found/],
    [413, '{"error":"Request Entity Too Large"}', false, /Too Large/],
    [
      422,
      '{"code":"unprocessable entity","message":"partial write has occurred"}',
      false,
      /partial write has occurred/,
    ],
    [408, '', true, /408/],
    [429, '{"code":"too many requests","message":"rate limited"}', true, /rate limited/],
    [500, '{"error":"engine: cache-max-memory-size exceeded"}', true, /cache-max-memory-size/],
    [503, 'upstream down', true, /upstream down/],
  ])('answers %i -> retryable=%s', async (status, body, retryable, message) => {
    next = { status, body };
    const err = await client()
      .write('m f=1i 1')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'StoreWriteError',
      retryable,
      status,
      message: expect.stringMatching(message),
    });
  });

  it('sends a token in preference to basic credentials, or basic credentials alone', async () => {
    next = { status: 204, body: '' };
    await createInfluxClient({
      url,
      database: 'd',
      token: 'tok',
      username: 'u',
      password: 'p',
    }).write('m f=1i 1');
    expect(seen?.headers.authorization).toBe('Token tok');
    await createInfluxClient({ url, database: 'd', username: 'u', password: 'p:w' }).write(
      'm f=1i 1',
    );
    expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });
});

describe('query', () => {
  it('posts q as a form with epoch=ms and returns the statements', async () => {
    next = {
      status: 200,
      body: '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,2]]}]},{"statement_id":1}]}',
    };
    const results = await client().query("SELECT v FROM m WHERE k = 'a b'");
    expect(seen?.url).toBe('/query?epoch=ms&db=energy');
    expect(new URLSearchParams(seen?.body).get('q')).toBe("SELECT v FROM m WHERE k = 'a b'");
    expect(results).toHaveLength(2);
    expect(results[0]?.series?.[0]?.values).toEqual([[1, 2]]);
  });

  it('omits db when asked (CREATE DATABASE)', async () => {
    next = { status: 200, body: '{"results":[{"statement_id":0}]}' };
    await client().query('CREATE DATABASE "x"', { db: false });
    expect(seen?.url).toBe('/query?epoch=ms');
  });

  it.each([
    [
      'an HTTP error',
      400,
      '{"error":"error parsing query: found syntax"}',
      /refused \(400\): error parsing query/,
    ],
    [
      'a statement error',
      200,
      '{"results":[{"statement_id":0},{"statement_id":1,"error":"database not found: x"}]}',
      /statement 1 failed: database not found/,
    ],
    ['a truncated statement', 200, '{"results":[{"statement_id":0,"partial":true}]}', /truncated/],
    ['non-JSON', 200, '<html>', /non-JSON/],
    ['no results', 200, '{}', /without results/],
  ])('throws on %s, without sending it again', async (_name, status, body, message) => {
    next = { status, body };
    await expect(client().query('SELECT 1')).rejects.toThrow(message);
    expect(requests).toBe(1);
  });

  const closing = (error: string) => ({
    status: 200,
    body: JSON.stringify({ results: [{ statement_id: 0, error }, { statement_id: 1 }] }),
  });

  it('sends the request again while a statement fails for a passing reason, then answers', async () => {
    queued = [closing('engine is closed'), closing('not executed')];
    next = { status: 200, body: '{"results":[{"statement_id":0},{"statement_id":1}]}' };
    await expect(client().query('DELETE FROM m; DELETE FROM n')).resolves.toHaveLength(2);
    expect(requests).toBe(3);
    expect(new URLSearchParams(seen?.body).get('q')).toBe('DELETE FROM m; DELETE FROM n');
  });

  it('gives up on a passing failure after the attempts, and says how many', async () => {
    next = closing('shard 7: engine is closed');
    const twice = createInfluxClient({ url, database: 'energy', queryAttempts: 2 });
    await expect(twice.query('DELETE FROM m')).rejects.toThrow(
      /statement 0 failed \(2 attempts\): shard 7: engine is closed/,
    );
    expect(requests).toBe(2);
  });

  it('does not take "not executed" after a real failure for a passing one', async () => {
    next = {
      status: 200,
      body: '{"results":[{"statement_id":0,"error":"database not found: x"},{"statement_id":1,"error":"not executed"}]}',
    };
    await expect(client().query('SELECT 1; SELECT 2')).rejects.toThrow(
      /statement 0 failed: database/,
    );
    expect(requests).toBe(1);
  });

  it('ignores the partial flag 1.6 leaves on merged series of more than 10,000 rows', async () => {
    next = {
      status: 200,
      body: '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time"],"values":[[1]],"partial":true}]}]}',
    };
    await expect(client().query('SELECT 1')).resolves.toHaveLength(1);
  });
});

describe('ping', () => {
  it.each([204, 200])('accepts %i', async (status) => {
    next = { status, body: '' };
    await expect(client().ping()).resolves.toBeUndefined();
    expect(seen?.url).toBe('/ping');
  });

  it('rejects a 5xx', async () => {
    next = { status: 503, body: '' };
    await expect(client().ping()).rejects.toThrow(/503/);
  });
});

describe('quoting', () => {
  it.each([
    ['m-1', "'m-1'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ["\\'", "'\\\\\\''"],
  ])('quoteString(%j) = %s', (input, output) => {
    expect(quoteString(input)).toBe(output);
  });

  it('quoteIdent escapes double quotes', () => {
    expect(quoteIdent('a"b')).toBe('"a\\"b"');
  });
});
