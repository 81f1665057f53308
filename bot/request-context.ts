/**
 * One id per HTTP request — a Direct Line activity, a Twilio webhook, a Bot
 * Framework activity: each is one turn. Every log line written while the
 * request is handled carries it (`reqId`), the answer carries it in
 * `X-Request-Id`, and one access line records the route (its pattern, never
 * the path: paths and query strings may hold tokens), status and time taken.
 */
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'restify';
import { withRequestId, type Logger } from './log';

/** Routes polled by load balancers and browsers' assets: their access lines are debug, not info. */
const quiet = /^\/(healthz|livez|readyz|webchat|favicon)/;

/**
 * A restify `use` handler: mount it after the body parser (a body is read
 * from socket events, which would not carry the id along).
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const reqId = req.getId();
    const started = performance.now();
    res.setHeader('X-Request-Id', reqId);
    res.once('finish', () => {
      const route = req.getRoute()?.path;
      const fields = {
        reqId,
        method: req.method,
        route: typeof route === 'string' ? route : String(route ?? 'unknown'),
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (quiet.test(req.getPath())) log.debug('http.request', fields);
      else log.info('http.request', fields);
    });
    withRequestId(reqId, () => next());
  };
}
