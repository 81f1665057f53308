/**
 * CI profiles from the CI system's REST API (integrations/ci/openapi.yaml).
 * Responses are validated; answers (including "not found") are cached; a
 * slow or failing API raises ProfileSourceError so the conversation goes on
 * with an unknown customer instead of waiting.
 */
import { LRUCache } from 'lru-cache';
import { ProfileSourceError, type ProfileSource } from '../../bot/engine/ports';
import { profileSchema, type Profile } from '../../bot/engine/profile';
import { fieldPath } from '../../bot/content/yaml-file';
import { normalizePhone } from './file-profiles';

export interface HttpProfileOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  cacheTtlMs?: number;
  /** How long "nobody with that number" is remembered. */
  notFoundTtlMs?: number;
  cacheMax?: number;
}

type Cached = { profile: Profile | null };

export class HttpProfileSource implements ProfileSource {
  private readonly cache: LRUCache<string, Cached>;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly notFoundTtlMs: number;

  constructor(private readonly opts: HttpProfileOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.notFoundTtlMs = opts.notFoundTtlMs ?? 10_000;
    this.cache = new LRUCache({ max: opts.cacheMax ?? 1000, ttl: opts.cacheTtlMs ?? 60_000 });
  }

  byPhone(phone: string): Promise<Profile | null> {
    const e164 = normalizePhone(phone);
    return this.get(`phone:${e164}`, `/customers/by-phone/${encodeURIComponent(e164)}`);
  }

  byCustomerId(id: string): Promise<Profile | null> {
    return this.get(`id:${id}`, `/customers/${encodeURIComponent(id)}`);
  }

  private async get(key: string, path: string): Promise<Profile | null> {
    const hit = this.cache.get(key);
    if (hit) return hit.profile ? structuredClone(hit.profile) : null;
    const profile = await this.fetchProfile(path);
    this.cache.set(key, { profile }, profile ? {} : { ttl: this.notFoundTtlMs });
    // Later turns look the customer up by id: found by phone is found by id too.
    if (profile) this.cache.set(`id:${profile.id}`, { profile });
    return profile ? structuredClone(profile) : null;
  }

  private async fetchProfile(path: string): Promise<Profile | null> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(`${this.base}${path}`, {
        headers: {
          Accept: 'application/json',
          ...(this.opts.apiKey ? { Authorization: `Bearer ${this.opts.apiKey}` } : {}),
        },
        signal: controller.signal,
      });
      if (res.status === 404) return null;
      if (!res.ok)
        throw new ProfileSourceError(`CI profile API answered ${res.status}`, 'check CI_API_URL and CI_API_KEY, and the CI system');
      body = await res.json().catch(() => {
        throw new ProfileSourceError('CI profile API sent a body that is not JSON', 'see integrations/ci/openapi.yaml');
      });
    } catch (err) {
      if (err instanceof ProfileSourceError) throw err;
      if (controller.signal.aborted)
        throw new ProfileSourceError(`CI profile API did not answer within ${this.timeoutMs} ms`, 'the CI system is slow or down; raise CI_API_TIMEOUT_MS if it is just slow');
      throw new ProfileSourceError(`CI profile API unreachable (${(err as Error).name})`, 'check CI_API_URL and the network');
    } finally {
      clearTimeout(timer);
    }
    const parsed = profileSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // Name the field, never echo the body: it holds personal data.
      throw new ProfileSourceError(
        `CI profile API sent an invalid profile: ${fieldPath(issue.path) || '(body)'}: ${issue.message}`,
        'the response does not match integrations/ci/openapi.yaml',
      );
    }
    return parsed.data;
  }
}
