/**
 * The address a request came from, for limits counted per client. Behind a
 * load balancer or reverse proxy every request comes from the proxy: the
 * client's address is then in `X-Forwarded-For`, but only the entries that
 * trusted proxies appended can be believed (a client may send the header
 * itself, with any address in it). So: `TRUST_PROXY` = how many proxies
 * stand in front of the bot (0, the default: none, the header is ignored);
 * the address is the one the outermost trusted proxy saw, the `TRUST_PROXY`-th
 * entry from the right, as Express's `trust proxy` with a hop count reads it.
 */
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  // [socket, nearest proxy's entry, …]: each trusted proxy vouches for the next address out.
  const chain = [socket, ...hops.reverse()];
  return chain[Math.min(trustProxy, chain.length - 1)]!;
}
