/**
 * CI profiles from a YAML file: the embedded default that runs on a bare
 * machine, and the demo's customers. Validated at load with the same schema
 * the REST client uses; a mistake names file, line and field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Address, ProfileSource, ProfileUpdates } from '../../bot/engine/ports';
import { profileSchema, type Profile } from '../../bot/engine/profile';
import { ContentError, displayName, locate, parseYaml } from '../../bot/content/yaml-file';

const fileSchema = z
  .object({
    /** The day the file's dates are written relative to. */
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, e.g. 2026-11-24').optional(),
    customers: z.array(profileSchema),
  })
  .strict();

const DAY = 86_400_000;
const isoDate = /^(\d{4}-\d{2}-\d{2})/;
/** Fields that are facts about a person, not about the calendar: never shifted. */
const fixedFields = new Set(['dateOfBirth']);

function shiftDate(value: string, days: number): string {
  const m = isoDate.exec(value);
  if (!m) return value;
  const shifted = new Date(Date.parse(`${m[1]}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
  return shifted + value.slice(10);
}

function shiftAll<T>(value: T, days: number, key = ''): T {
  if (typeof value === 'string') return (fixedFields.has(key) ? value : shiftDate(value, days)) as T;
  if (Array.isArray(value)) return value.map((v) => shiftAll(v, days, key)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftAll(v, days, k)])) as T;
  return value;
}

/** `(555) 010-0001`, `555.010.0001`, `15550100001` → `+15550100001` (US numbers without a country code get +1). */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return `+${digits.slice(1).replace(/\D/g, '')}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return `+${digits}`;
}

export interface FileProfileOptions {
  /** Move every date by the days between the file's `as_of` and this day. */
  today?: Date;
}

export class FileProfileSource implements ProfileSource, ProfileUpdates {
  private readonly byId = new Map<string, Profile>();
  private readonly phoneIndex = new Map<string, string>();

  private constructor(profiles: Profile[]) {
    for (const p of profiles) {
      this.byId.set(p.id, p);
      for (const phone of p.phones) this.phoneIndex.set(normalizePhone(phone), p.id);
    }
  }

  static async load(file: string, opts: FileProfileOptions = {}): Promise<FileProfileSource> {
    return FileProfileSource.loadSync(file, opts);
  }

  static loadSync(file: string, opts: FileProfileOptions = {}): FileProfileSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ContentError(`${displayName(file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, displayName(file), null, null);
    }
    const data = parseYaml(text, file, fileSchema);
    const seenIds = new Set<string>();
    const seenPhones = new Set<string>();
    data.customers.forEach((p, i) => {
      const dup = (field: string, what: string) => {
        const line = locate(file, ['customers', i, field]) ?? 1;
        throw new ContentError(`${displayName(file)}:${line} customers[${i}].${field}: ${what}`, displayName(file), line, `customers[${i}].${field}`);
      };
      if (seenIds.has(p.id)) dup('id', `duplicate customer id ${p.id}`);
      seenIds.add(p.id);
      for (const phone of p.phones) {
        const n = normalizePhone(phone);
        if (seenPhones.has(n)) dup('phones', `a phone number is used by two customers`);
        seenPhones.add(n);
      }
    });
    let customers = data.customers;
    if (opts.today && data.as_of) {
      const days = Math.round(
        (Date.UTC(opts.today.getUTCFullYear(), opts.today.getUTCMonth(), opts.today.getUTCDate()) - Date.parse(`${data.as_of}T00:00:00Z`)) / DAY,
      );
      if (days !== 0) customers = customers.map((p) => shiftAll(p, days));
    }
    return new FileProfileSource(customers);
  }

  async byPhone(phone: string): Promise<Profile | null> {
    const id = this.phoneIndex.get(normalizePhone(phone));
    return id ? structuredClone(this.byId.get(id)!) : null;
  }

  async byCustomerId(id: string): Promise<Profile | null> {
    const p = this.byId.get(id);
    return p ? structuredClone(p) : null;
  }

  /** Every profile (copies), for demo pickers and the terminal chat. */
  all(): Profile[] {
    return [...this.byId.values()].map((p) => structuredClone(p));
  }

  async updateAddress(customerId: string, address: Address): Promise<void> {
    const p = this.byId.get(customerId);
    if (!p) throw new Error(`no customer ${customerId}`);
    p.address = { ...address };
  }
}
