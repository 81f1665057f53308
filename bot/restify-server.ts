/**
 * The HTTP server: health and whatever routes the channels and the desk
 * add. Errors answer JSON with a code and a safe message, never a stack
 * trace or an internal error's text; one the store says is an outage (down,
 * hung, locked, disk full) answers 503 with Retry-After, not 500.
 */
import restify, { type Server } from 'restify';
import { bodyReader } from './body-reader';
import { libraryLogger, type Logger } from './log';
import { requestContext } from './request-context';

export interface ServerOptions {
  log: Logger;
  /** Reported by /healthz. */
  health: () => Record<string, unknown>;
  /** Whether an error a request failed with says the store cannot be used right now (`Store.unavailable`). */
  unavailable?: (err: unknown) => boolean;
}

/** How long a client is told to wait before it tries again while the store is unavailable (seconds). */
const RETRY_AFTER_S = 5;

export function createServer(opts: ServerOptions): Server {
  const server = restify.createServer({
    name: 'frontline',
    handleUncaughtExceptions: false,
    // restify's own warnings become our events, without the values it would attach (headers, bodies).
    // (@types/restify still describes restify 8's bunyan logger; restify 11 takes pino.)
    log: libraryLogger('restify', opts.log) as unknown as restify.ServerOptions['log'],
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Bodies of 64 KB at most: larger ones answer 413, malformed ones 400. Read by our reader in the common case (body-reader.ts).
  const maxBodySize = 64 * 1024;
  const [restifyReader, parseBody] = restify.plugins.bodyParser({ mapParams: false, mapFiles: false, maxBodySize });
  server.use(bodyReader(maxBodySize, restifyReader!));
  server.use(parseBody!);
  server.use(requestContext(opts.log));

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok', ...opts.health() });
    return next();
  });

  // Whatever went wrong inside, the caller gets a short, safe answer.
  server.on('restifyError', (req, res, err, callback) => {
    const given = typeof err.statusCode === 'number' ? err.statusCode : null;
    const outage = given === null && (opts.unavailable?.(err) ?? false);
    const status = given ?? (outage ? 503 : 500);
    if (status >= 500) opts.log.error('http.error', { path: req.getPath(), status, error: err.name, ...(outage ? { cause: 'store_unavailable' } : {}) });
    // A plain Error has no status: give it one, or restify wraps it and sends its message.
    err.statusCode = status;
    if (outage) res.header('Retry-After', String(RETRY_AFTER_S));
    const code = outage ? 'ServiceUnavailable' : status >= 500 ? 'InternalError' : (err.body?.code ?? err.name);
    const message = outage
      ? 'Briefly unavailable: our data store does not answer. Nothing was lost; try again in a few seconds.'
      : status >= 500
        ? 'Something went wrong on our side.'
        : (err.body?.message ?? 'Bad request');
    // Direct Line clients expect Direct Line's error shape and codes.
    const directLine = req.getPath().startsWith('/v3/directline');
    const dlCode: Record<string, string> = { PayloadTooLarge: 'MessageSizeTooBig', InvalidContent: 'BadArgument', UnsupportedMediaType: 'BadArgument' };
    err.toJSON = () => (directLine ? { error: { code: dlCode[code] ?? code, message } } : { code, message });
    return callback();
  });
  return server;
}
