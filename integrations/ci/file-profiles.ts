/**
 * CI profiles from a YAML file: the embedded default that runs on a bare
 * machine, and the demo's customers. Validated at load with the same schema
 * the REST client uses; a mistake names file, line and field.
 */
import { z } from 'zod';
import { ProfileSourceError, type Address, type ProfileSource, type ProfileUpdates } from '../../bot/engine/ports';
import { daysBetween } from '../../bot/domain/facts';
import { profileSchema, type Profile } from '../../bot/domain/profile';
import { errorAt, readYaml } from '../../bot/content/yaml-file';

const fileSchema = z
  .object({
    /** The day the file's dates are written relative to. */
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, e.g. 2026-11-24').optional(),
    customers: z.array(profileSchema),
  })
  .strict();

const DAY = 86_400_000;
const isoDate = /^(\d{4}-\d{2}-\d{2})/;
/** Facts about a person, not about the calendar: never shifted (verification asks for them). */
const fixedFields = new Set(['dateOfBirth']);

function shiftDate(value: string, days: number): string {
  const m = isoDate.exec(value);
  if (!m) return value;
  const t = Date.parse(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(t)) return value; // matches the pattern but is no date (2026-13-45): leave it
  return new Date(t + days * DAY).toISOString().slice(0, 10) + value.slice(10);
}

function shiftAll<T>(value: T, days: number, key = ''): T {
  if (typeof value === 'string') return (fixedFields.has(key) ? value : shiftDate(value, days)) as T;
  if (Array.isArray(value)) return value.map((v) => shiftAll(v, days, key)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftAll(v, days, k)])) as T;
  return value;
}

/**
 * `(555) 010-0001`, `555.010.0001`, `1-555-010-0001`, `+1 555 010 0001` → `+15550100001`.
 * Ten digits are a US number without its country code (+1); eleven starting with 1 get a `+`.
 */
export function normalizePhone(raw: string): string {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  return `+${digits}`;
}

export interface FileProfileOptions {
  /**
   * Move every date (but dates of birth) by the whole days between the file's
   * `as_of` and this day, so the demo stays current. Without it, dates are used as written.
   */
  today?: Date;
}

/** Profiles held in memory, loaded from a YAML file; address changes stay in memory. */
export class FileProfileSource implements ProfileSource, ProfileUpdates {
  private readonly phoneIndex = new Map<string, string>();
  /** Each profile by id, frozen: a lookup (every turn of a known customer) hands out the same one, nobody can change it. */
  private readonly profiles = new Map<string, Profile>();

  private constructor(profiles: Profile[]) {
    for (const p of profiles) {
      this.profiles.set(p.id, deepFreeze(p));
      for (const phone of p.phones) this.phoneIndex.set(normalizePhone(phone), p.id);
    }
  }

  private copy(id: string | undefined): Profile | null {
    return (id === undefined ? undefined : this.profiles.get(id)) ?? null;
  }

  /** Reads and validates `file`; throws a {@link ContentError} naming file, line and field. */
  static async load(file: string, opts: FileProfileOptions = {}): Promise<FileProfileSource> {
    return FileProfileSource.loadSync(file, opts);
  }

  static loadSync(file: string, opts: FileProfileOptions = {}): FileProfileSource {
    const data = readYaml(file, fileSchema);
    checkUnique(file, data.customers);
    // Whole days from as_of to today's (UTC) date.
    const days = opts.today && data.as_of ? -daysBetween(opts.today, data.as_of) : 0;
    return new FileProfileSource(days === 0 ? data.customers : data.customers.map((p) => shiftAll(p, days)));
  }

  /** The customer who owns this phone number, written any common way (frozen). */
  async byPhone(phone: string): Promise<Profile | null> {
    return this.copy(this.phoneIndex.get(normalizePhone(phone)));
  }

  /** The customer with this id (frozen). */
  async byCustomerId(id: string): Promise<Profile | null> {
    return this.copy(id);
  }

  /** Every profile (frozen), for demo pickers and the terminal chat. */
  all(): Profile[] {
    return [...this.profiles.values()];
  }

  /** Changes the profile in memory (never the file); later lookups see the new address. */
  async updateAddress(customerId: string, address: Address): Promise<void> {
    const found = this.copy(customerId);
    if (!found) throw new ProfileSourceError(`no customer ${customerId} in the customers file`, 'the address was not changed');
    const p = structuredClone(found);
    p.address = {
      line1: address.line1,
      ...(address.line2 ? { line2: address.line2 } : {}),
      city: address.city,
      ...(address.region ? { region: address.region } : {}),
      postcode: address.postcode,
    };
    this.profiles.set(customerId, deepFreeze(p));
  }
}

/** Freezes `value` and everything in it: a profile handed to many callers, none of whom may change it. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Two customers with one id, or one phone number on two customers, is a content error. */
function checkUnique(file: string, customers: Profile[]): void {
  const fail = (path: (string | number)[], what: string): never => {
    throw errorAt(file, path, what);
  };
  const ids = new Map<string, number>();
  const phones = new Map<string, number>();
  customers.forEach((p, i) => {
    const first = ids.get(p.id);
    if (first !== undefined) fail(['customers', i, 'id'], `duplicate customer id ${p.id} (also customers[${first}])`);
    ids.set(p.id, i);
    p.phones.forEach((phone, j) => {
      const n = normalizePhone(phone);
      const owner = phones.get(n);
      // The number itself stays out of the message: it is personal data.
      if (owner !== undefined)
        fail(
          ['customers', i, 'phones', j],
          owner === i ? 'this phone number is listed twice' : `a phone number of customers[${owner}] (${customers[owner]!.id}) too`,
        );
      phones.set(n, i);
    });
  });
}
