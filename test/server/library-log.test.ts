/**
 * restify logs the value an async handler returns ("Discarded returned
 * value"), and a handler that returns the request would log its headers,
 * `Authorization: Bearer …` included. The server `npm start` builds hands
 * restify a logger that keeps only restify's own words.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { createLogger } from '../../bot/log';
import { createServer } from '../../bot/restify-server';

const lines: string[] = [];
const stdout: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer({ log: createLogger('debug', (l) => lines.push(l)), health: () => ({}) });
  // A handler that slips: it returns what it was given.
  server.get('/slip', async (req, res) => {
    res.send(200, { ok: true });
    return Promise.resolve(req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('a returned value never reaches a log: the secret header stays out, the slip is still reported', async () => {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    stdout.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    const res = await fetch(`${base}/slip`, { headers: { Authorization: 'Bearer top-secret-token' } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.stdout.write = write;
  }
  expect([...lines, ...stdout].join('\n')).not.toContain('top-secret-token');
  expect(lines.map((l) => JSON.parse(l) as { event: string; note?: string })).toContainEqual(
    expect.objectContaining({ event: 'restify.log', note: 'Discarded returned value from async handler' }),
  );
});
