/**
 * Request bodies as the channels receive them (bot/body-reader.ts reads the
 * common case, restify's reader the rest): JSON and forms of known length,
 * a chunked body, a gzipped one, and one over the limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Server } from 'restify';
import { silentLogger } from '../../bot/log';
import { createServer } from '../../bot/restify-server';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer({ log: silentLogger, health: () => ({}) });
  server.post('/echo', async (req, res) => {
    res.send(200, { body: req.body as unknown });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs `chunks` one write each, a little apart (separate packets); without a length, they go chunked. */
function post(headers: Record<string, string>, ...chunks: (string | Buffer)[]): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', path: '/echo', method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: (JSON.parse(text) as { body?: unknown }).body ?? JSON.parse(text) }));
    });
    req.on('error', reject);
    const write = (i: number) => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i]!);
      setTimeout(() => write(i + 1), 20);
    };
    write(0);
  });
}

const json = { type: 'message', text: 'héllo & <b>' };
const jsonText = JSON.stringify(json);

it('reads JSON and forms of known length, split over several packets', async () => {
  const length = String(Buffer.byteLength(jsonText));
  expect(await post({ 'content-type': 'application/json', 'content-length': length }, jsonText.slice(0, 5), jsonText.slice(5))).toEqual({ status: 200, body: json });
  const form = 'CallSid=CA1&SpeechResult=h%C3%A9llo+%26+more';
  expect(await post({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(form.length) }, form)).toEqual({
    status: 200,
    body: { CallSid: 'CA1', SpeechResult: 'héllo & more' },
  });
});

it('reads a chunked and a gzipped body as before', async () => {
  expect(await post({ 'content-type': 'application/json' }, jsonText.slice(0, 7), jsonText.slice(7))).toEqual({ status: 200, body: json });
  const zipped = gzipSync(jsonText);
  expect(await post({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(zipped.length) }, zipped)).toEqual({ status: 200, body: json });
});

it('answers 413 to a body over 64 KB, and 400 to broken JSON', async () => {
  const big = JSON.stringify({ text: 'x'.repeat(70 * 1024) });
  expect((await post({ 'content-type': 'application/json', 'content-length': String(big.length) }, big)).status).toBe(413);
  expect((await post({ 'content-type': 'application/json', 'content-length': '5' }, '{"a":')).status).toBe(400);
});
