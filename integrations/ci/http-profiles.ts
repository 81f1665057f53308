/**
 * CI profiles from the CI system's REST API (integrations/ci/openapi.yaml).
 * Responses are validated; answers (including "not found") are cached; a
 * slow or failing API raises ProfileSourceError so the conversation goes on
 * with an unknown customer instead of waiting. While it fails, a profile
 * found recently is served stale (`staleMs`), and after repeated failures a
 * circuit breaker stops asking for a while. Address changes are written
 * back with `PUT /customers/{id}/address`.
 *
 * Nothing here logs or reports a response body or a phone number: both are
 * personal data. Errors name a status, a timeout or a field path.
 */
import { LRUCache } from 'lru-cache';
import { ProfileSourceError, type Address, type ProfileSource, type ProfileUpdates } from '../../bot/engine/ports';
import { profileSchema, type Profile } from '../../bot/domain/profile';
import { fieldPath } from '../../bot/content/yaml-file';
import { deepFreeze, normalizePhone } from './file-profiles';
import { CircuitBreaker, CircuitOpenError } from '../resilience/circuit-breaker';

export interface HttpProfileOptions {
  /** e.g. `https://ci.example.com/api`; paths are appended to it. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when given. */
  apiKey?: string;
  /** Give up on a lookup after this long (default 2000). */
  timeoutMs?: number;
  /** How long a found profile is remembered (default 60 s). */
  cacheTtlMs?: number;
  /** How long "nobody with that number" is remembered (default 10 s). */
  notFoundTtlMs?: number;
  /** Most lookups remembered at once (default 1000): fresh, and kept for serving stale. */
  cacheMax?: number;
  /**
   * While the API fails, a profile found less than this long ago is served
   * as it was (default 0: never). Bounded by `cacheMax`.
   */
  staleMs?: number;
  /** Told when a stale profile is served (no customer data), for the operator's log. */
  onStale?: () => void;
  /** The breaker in front of the API (default: 5 failures in a row pause lookups for 30 s). */
  breaker?: CircuitBreaker;
  /** Milliseconds since the epoch, for the cache's ages (default Date.now). */
  now?: () => number;
  /** The fetch to use (default: Node's global fetch); for tests and proxies. */
  fetch?: typeof fetch;
}

type Cached = { profile: Profile | null; at: number };

const CONFIG_HINT = 'check CI_API_URL and CI_API_KEY, and that the CI system is up';
const CONTRACT_HINT = 'the response does not match integrations/ci/openapi.yaml';
const WRITE_HINTS: Record<number, string> = {
  404: 'the CI system does not know this customer id',
  405: 'the CI system does not implement PUT /customers/{id}/address (integrations/ci/openapi.yaml)',
  422: 'the CI system rejected the address; see its own log for which field',
};

export class HttpProfileSource implements ProfileSource, ProfileUpdates {
  private readonly cache: LRUCache<string, Cached>;
  /** Lookups on their way: a second caller for the same key waits for the first request. */
  private readonly inFlight = new Map<string, Promise<Profile | null>>();
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly notFoundTtlMs: number;
  private readonly ttlMs: number;
  private readonly staleMs: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  /** Public so that the operator's figures and tests can read its state. */
  readonly breaker: CircuitBreaker;

  constructor(private readonly opts: HttpProfileOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.notFoundTtlMs = opts.notFoundTtlMs ?? 10_000;
    this.ttlMs = opts.cacheTtlMs ?? 60_000;
    this.staleMs = opts.staleMs ?? 0;
    this.now = opts.now ?? Date.now;
    // Ages are checked on read against `now`; the LRU only bounds how many are held.
    this.cache = new LRUCache({ max: opts.cacheMax ?? 1000 });
    this.fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.breaker = opts.breaker ?? new CircuitBreaker({ name: 'ci', now: this.now });
  }

  /** `GET {baseUrl}/customers/by-phone/{e164}`; the number may be written any common way. */
  byPhone(phone: string): Promise<Profile | null> {
    const e164 = normalizePhone(phone);
    return this.get(`phone:${e164}`, `/customers/by-phone/${encodeURIComponent(e164)}`);
  }

  /** `GET {baseUrl}/customers/{id}`. */
  byCustomerId(id: string): Promise<Profile | null> {
    return this.get(`id:${id}`, `/customers/${encodeURIComponent(id)}`);
  }

  /**
   * `PUT {baseUrl}/customers/{id}/address` with the new address as JSON; 200 or
   * 204 = saved. Anything else, or no answer in time, throws ProfileSourceError
   * (the dialog then hands off with the address the customer gave).
   */
  async updateAddress(customerId: string, address: Address): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const res = await this.fetch(`${this.base}/customers/${encodeURIComponent(customerId)}/address`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...this.auth() },
        body: JSON.stringify(address),
        signal: controller.signal,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status !== 200 && res.status !== 204)
        throw new ProfileSourceError(`CI profile API refused the address change: ${res.status}`, WRITE_HINTS[res.status] ?? CONFIG_HINT);
    } catch (err) {
      if (err instanceof ProfileSourceError) throw err;
      if (controller.signal.aborted)
        throw new ProfileSourceError(`CI profile API did not save the address within ${this.timeoutMs} ms`, 'the CI system is slow or down');
      throw new ProfileSourceError(`CI profile API unreachable (${(err as Error).name})`, 'check CI_API_URL and the network');
    } finally {
      clearTimeout(timer);
    }
    // The next lookup reads the new address, by id and by phone.
    const stale = [...this.cache.entries()].filter(([, cached]) => cached.profile?.id === customerId).map(([key]) => key);
    for (const key of stale) this.cache.delete(key);
  }

  private auth(): Record<string, string> {
    return this.opts.apiKey ? { Authorization: `Bearer ${this.opts.apiKey}` } : {};
  }

  private async get(key: string, path: string): Promise<Profile | null> {
    const now = this.now();
    const hit = this.cache.get(key);
    const age = hit ? now - hit.at : Infinity;
    if (hit && age < (hit.profile ? this.ttlMs : this.notFoundTtlMs)) return hit.profile;
    // Past every use (fresh or stale): personal data is not kept longer than it serves.
    if (hit && age >= Math.max(this.ttlMs, this.staleMs)) this.cache.delete(key);
    try {
      return await this.shared(key, path);
    } catch (err) {
      // The CI system failed: a profile found recently beats "unavailable".
      if (err instanceof ProfileSourceError && hit?.profile && age < this.staleMs) {
        this.opts.onStale?.();
        return hit.profile;
      }
      throw err;
    }
  }

  /** One request per key at a time: a second caller for the same key waits for the first. */
  private shared(key: string, path: string): Promise<Profile | null> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.throughBreaker(path).then((profile) => {
        const at = this.now();
        this.cache.set(key, { profile, at });
        // Later turns look the customer up by id: found by phone is found by id too.
        if (profile) this.cache.set(`id:${profile.id}`, { profile, at });
        return profile;
      });
      this.inFlight.set(key, pending);
      const forget = () => this.inFlight.delete(key);
      pending.then(forget, forget);
    }
    return pending;
  }

  private async throughBreaker(path: string): Promise<Profile | null> {
    try {
      return await this.breaker.run(() => this.fetchProfile(path));
    } catch (err) {
      if (!(err instanceof CircuitOpenError)) throw err;
      throw new ProfileSourceError(
        'CI profile API not asked: it failed repeatedly and lookups are paused',
        `the CI system is slow or down; lookups resume by themselves in ${Math.ceil(err.retryInMs / 1000)} s`,
      );
    }
  }

  private async fetchProfile(path: string): Promise<Profile | null> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let body: unknown;
    try {
      const res = await this.fetch(`${this.base}${path}`, {
        headers: { Accept: 'application/json', ...this.auth() },
        signal: controller.signal,
      });
      if (res.status !== 200) {
        // Free the connection; the body is of no use (and may hold personal data).
        await res.body?.cancel().catch(() => undefined);
        if (res.status === 404) return null;
        throw new ProfileSourceError(`CI profile API answered ${res.status}`, CONFIG_HINT);
      }
      body = await res.json().catch((err: unknown) => {
        if (controller.signal.aborted) throw err;
        throw new ProfileSourceError('CI profile API sent a body that is not JSON', CONTRACT_HINT);
      });
    } catch (err) {
      if (err instanceof ProfileSourceError) throw err;
      if (controller.signal.aborted)
        throw new ProfileSourceError(
          `CI profile API did not answer within ${this.timeoutMs} ms`,
          'the CI system is slow or down; raise CI_API_TIMEOUT_MS if it is only slow',
        );
      // The error's name only: some messages quote the URL, which may hold a phone number.
      throw new ProfileSourceError(`CI profile API unreachable (${(err as Error).name})`, 'check CI_API_URL and the network');
    } finally {
      clearTimeout(timer);
    }
    const parsed = profileSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = fieldPath(issue.path) || '(body)';
      // Name the field, never echo the body: it holds personal data.
      throw new ProfileSourceError(
        `CI profile API sent an invalid profile: ${field}: ${issue.message}`,
        `field ${field}: ${CONTRACT_HINT}`,
      );
    }
    // Frozen: the cache hands the same profile to every turn that asks.
    return deepFreeze(parsed.data);
  }
}
