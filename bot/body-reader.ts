/**
 * Reads a request's body for restify's body parser. restify's own reader
 * calls the deprecated `Buffer()` constructor on every request, and Node
 * then looks at the stack each time to decide whether to warn (up to 10,000
 * times): a stack capture per turn. This reader takes the common case — a
 * body of known length within the limit, neither compressed nor with a
 * Content-MD5 — and hands everything else (too large, chunked, gzip, MD5,
 * multipart) to restify's reader, which answers as before.
 */
import type { Request, RequestHandler, Response } from 'restify';

/** The types restify's reader turns into a string (the parsers read strings). */
const isText = (type: string) =>
  !type || type === 'application/json' || type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data' || type.startsWith('text/');

/** restify's flag for "the body was read already" (its parser and reader look at it). */
type Read = Request & { _readBody?: boolean; body?: unknown };

export function bodyReader(maxBytes: number, restifyReader: RequestHandler): RequestHandler {
  return (req: Read, res: Response, next) => {
    if (req._readBody) return next();
    const length = Number(req.headers['content-length']);
    const type = req.contentType();
    if (
      !(length > 0 && length <= maxBytes) ||
      req.headers['content-encoding'] !== undefined ||
      req.headers['content-md5'] !== undefined ||
      type === 'multipart/form-data' ||
      type === 'application/octet-stream'
    )
      return restifyReader(req, res, next);
    req._readBody = true;
    const chunks: Buffer[] = [];
    let finished = false;
    const done = (err?: Error) => {
      if (finished) return;
      finished = true;
      next(err);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      req.body = isText(type) ? body.toString('utf8') : body;
      done();
    });
    // As restify's reader: a request that breaks off or fails still moves on (and is answered as it can be).
    req.once('error', done);
    req.once('aborted', () => done());
    res.once('close', () => done());
    req.resume();
  };
}
