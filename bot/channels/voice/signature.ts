/**
 * Twilio request signatures. The URL signed is the configured public URL plus
 * the request's path — never one rebuilt from Host or X-Forwarded-* headers,
 * which a caller controls. (`twilio.webhook()` is Express-only and throws on
 * restify, so the check is this small function.)
 */
// The webhooks module alone: the package's index loads every REST client (a third of a second at start-up).
import { timingSafeEqual } from 'node:crypto';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';
import type { Request } from 'restify';

export function signedUrl(publicUrl: string, req: Request): string {
  return `${publicUrl.replace(/\/+$/, '')}${req.getPath()}${req.getQuery() ? `?${req.getQuery()}` : ''}`;
}

export function hasValidSignature(req: Request, authToken: string, publicUrl: string): boolean {
  // Without a token anyone could compute the "signature" (an HMAC with an empty key).
  if (!authToken || !publicUrl) return false;
  const signature = req.header('x-twilio-signature');
  if (!signature) return false;
  const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
  const url = signedUrl(publicUrl, req);
  // The URL as configured first (one HMAC, no URL parsing); validateRequest then tries the forms Twilio's
  // signing varies between (with and without the port, the legacy query string).
  return sameText(signature, getExpectedTwilioSignature(authToken, url, params)) || validateRequest(authToken, signature, url, params);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Signs a request exactly as Twilio does: for tests and `npm run call`. */
export function sign(authToken: string, url: string, params: Record<string, string>): string {
  return getExpectedTwilioSignature(authToken, url, params);
}
