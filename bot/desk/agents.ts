/**
 * Who may sign in at the desk: agents in a YAML or JSON file outside the
 * content (AGENTS_FILE), with display names, roles, queues and scrypt
 * password hashes (`scrypt$N$r$p$salt$hash`, node:crypto). The hash never
 * leaves this module: the desk sees `Agent` only.
 *
 * Demo mode may list agents without a hash: each gets a random password at
 * start-up, printed once in the start-up log. Production refuses them.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Agent } from './desk';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** scrypt cost: N=2^15, r=8, p=1 (about 32 MB and 50–100 ms per check on these machines). */
const COST = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** The stored form of `password`: `scrypt$N$r$p$<salt b64url>$<hash b64url>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches `stored` (constant-time compare); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!expected.length || ![cost.N, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0)) return false;
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

const HASH = /^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/;

export const agentEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ - (at most 64)'),
    name: z.string().trim().min(1).max(60),
    roles: z.array(z.enum(['agent', 'supervisor'])).min(1).default(['agent']),
    queues: z.array(z.string().min(1)).default([]),
    password_hash: z.string().regex(HASH, 'must be an scrypt hash written by `npm run agents -- add`').optional(),
  })
  .strict();

export const agentsFileSchema = z.object({ agents: z.array(agentEntrySchema) }).strict();

export type AgentEntry = z.infer<typeof agentEntrySchema>;

/** An AGENTS_FILE that cannot be used: names the file and what to mend. */
export class AgentsFileError extends Error {
  override name = 'AgentsFileError';
}

/** The agents file's entries, checked; ids must be unique. */
export function readAgentsFile(file: string): AgentEntry[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AgentsFileError(`${file}: cannot be read as YAML or JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = agentsFileSchema.safeParse(raw ?? { agents: [] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentsFileError(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const a of parsed.data.agents) {
    if (seen.has(a.id)) throw new AgentsFileError(`${file}: agent id "${a.id}" is listed twice`);
    seen.add(a.id);
  }
  return parsed.data.agents;
}

/** A demo agent and the password it got at this start-up (printed in demo mode only). */
export interface DemoPassword {
  id: string;
  name: string;
  queues: string[];
  password: string;
}

/** The agents who may sign in, with their hashes kept inside. */
export class AgentDirectory {
  private constructor(
    private readonly entries: Map<string, { agent: Agent; check: (password: string) => Promise<boolean> }>,
    /** Demo agents' passwords of this start-up; empty outside demo mode. */
    readonly demoPasswords: DemoPassword[],
  ) {}

  /**
   * From the file's entries. An entry without a hash gets a random password
   * when `demo` is true (from `makePassword`: the workers of one start make up the same), and is refused otherwise.
   */
  static from(file: string, entries: AgentEntry[], demo: boolean, makePassword: (id: string) => string = randomPassword): AgentDirectory {
    const map = new Map<string, { agent: Agent; check: (password: string) => Promise<boolean> }>();
    const demoPasswords: DemoPassword[] = [];
    for (const e of entries) {
      const agent: Agent = { id: e.id, name: e.name, roles: e.roles, queues: e.queues };
      const hash = e.password_hash;
      if (hash) {
        map.set(e.id, { agent, check: (password) => verifyPassword(password, hash) });
        continue;
      }
      if (!demo) throw new AgentsFileError(`${file}: agent "${e.id}" has no password_hash (run npm run agents -- add ${e.id} …); only demo mode makes up passwords`);
      // A password that lives only as long as this process: compared by digest, no scrypt at every start.
      const password = makePassword(e.id);
      const digest = sha256(password);
      map.set(e.id, { agent, check: async (given) => timingSafeEqual(sha256(given), digest) });
      demoPasswords.push({ id: e.id, name: e.name, queues: e.queues, password });
    }
    return new AgentDirectory(map, demoPasswords);
  }

  static load(file: string, demo: boolean, makePassword?: (id: string) => string): AgentDirectory {
    return AgentDirectory.from(file, readAgentsFile(file), demo, makePassword);
  }

  /** The agent, or null when the id is unknown. */
  find(id: string): Agent | null {
    return this.entries.get(id)?.agent ?? null;
  }

  /** Every agent (for transfers to one person), without hashes. */
  all(): Agent[] {
    return [...this.entries.values()].map((e) => e.agent);
  }

  /** The agent when `password` is theirs; an unknown id costs a hash check too, so timing tells nothing. */
  async check(id: string, password: string): Promise<Agent | null> {
    const entry = this.entries.get(id);
    const ok = entry ? await entry.check(password) : await verifyPassword(password, DUMMY_HASH);
    return entry && ok ? entry.agent : null;
  }
}

const randomPassword = () => randomBytes(9).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Checked against for unknown ids: the same cost as a real check, matching nothing. */
const DUMMY_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;
