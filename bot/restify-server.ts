/**
 * The HTTP server: health, the embedded queue for local development, and
 * whatever routes the channels add. Errors answer JSON with a code and a
 * safe message, never a stack trace or an internal error's text.
 */
import restify, { type Server } from 'restify';
import { bodyReader } from './body-reader';
import { libraryLogger, type Logger } from './log';
import { requestContext } from './request-context';

export interface ServerOptions {
  log: Logger;
  /** Reported by /healthz. */
  health: () => Record<string, unknown>;
  /** The waiting contacts per queue; null turns GET /api/queues off. */
  queues: (() => Promise<unknown>) | null;
}

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

  const queues = opts.queues;
  if (queues)
    server.get('/api/queues', async (_req, res) => {
      res.send(200, { queues: await queues() });
    });

  // Whatever went wrong inside, the caller gets a short, safe answer.
  server.on('restifyError', (req, res, err, callback) => {
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 500) opts.log.error('http.error', { path: req.getPath(), status, error: err.name });
    // A plain Error has no status: give it one, or restify wraps it and sends its message.
    err.statusCode = status;
    const code = status >= 500 ? 'InternalError' : (err.body?.code ?? err.name);
    const message = status >= 500 ? 'Something went wrong on our side.' : (err.body?.message ?? 'Bad request');
    // Direct Line clients expect Direct Line's error shape and codes.
    const directLine = req.getPath().startsWith('/v3/directline');
    const dlCode: Record<string, string> = { PayloadTooLarge: 'MessageSizeTooBig', InvalidContent: 'BadArgument', UnsupportedMediaType: 'BadArgument' };
    err.toJSON = () => (directLine ? { error: { code: dlCode[code] ?? code, message } } : { code, message });
    return callback();
  });
  return server;
}
