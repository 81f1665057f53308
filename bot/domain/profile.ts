/**
 * The customer-intelligence (CI) profile: what Frontline reads about a customer.
 *
 * This is the contract every CI source (the embedded file, the REST API)
 * delivers; it is documented for CI teams in docs/ci-profile.md and
 * integrations/ci/openapi.yaml. Dates are ISO 8601 (`YYYY-MM-DD`, or a full
 * timestamp); money is a decimal number in `currency`.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO 8601 date, e.g. 2026-03-01');

export const productSchema = z.object({
  id: z.string(),
  /** What kind of service: the content decides the words (mobile, broadband, tv …). */
  kind: z.string(),
  name: z.string(),
  /** Monthly data allowance in GB, when the product has one (null = unlimited). */
  allowanceGb: z.number().nonnegative().nullable().optional(),
  /** Data used this billing cycle in GB. */
  usedGb: z.number().nonnegative().optional(),
  /** The day the current usage cycle ends. */
  cycleEnd: isoDate.optional(),
  monthlyPrice: z.number().nonnegative().optional(),
});

export const deviceSchema = z.object({
  model: z.string(),
  since: isoDate.optional(),
  productId: z.string().optional(),
});

export const invoiceSchema = z.object({
  id: z.string(),
  date: isoDate,
  amount: z.number(),
  status: z.string(),
  dueDate: isoDate.optional(),
});

export const orderSchema = z.object({
  id: z.string(),
  item: z.string(),
  status: z.string(),
  placed: isoDate.optional(),
  carrier: z.string().optional(),
  eta: isoDate.optional(),
  trackingUrl: z.string().url().optional(),
  /** Closed orders (delivered, cancelled) are history; open ones can be tracked. */
  open: z.boolean(),
});

export const contactSchema = z.object({
  date: isoDate,
  channel: z.string(),
  topic: z.string(),
  summary: z.string(),
});

export const ticketSchema = z.object({
  id: z.string(),
  opened: isoDate,
  topic: z.string(),
  status: z.string(),
  summary: z.string(),
});

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  sentAt: isoDate,
  channel: z.string(),
  /** The offer in the customer's words, as the bot may explain it. */
  offer: z.string(),
  /** null while the customer has not answered. */
  response: z.enum(['accepted', 'declined']).nullable(),
  /** Words that identify the campaign when a customer mentions it ("the letter about fibre"). */
  keywords: z.array(z.string()).default([]),
});

export const offerSchema = z.object({ id: z.string(), description: z.string() });

export const profileSchema = z.object({
  id: z.string().describe('The CI system\'s customer id; later lookups in a conversation use it.'),
  firstName: z.string(),
  lastName: z.string(),
  phones: z.array(z.string()).min(1).describe('Phone numbers in E.164 (+15550100001): caller ID finds the customer.'),
  email: z.string().email().optional().describe('Where password resets go; the bot only ever says it masked.'),
  dateOfBirth: isoDate.optional().describe('One of the two verification answers (with the postcode).'),
  address: z.object({
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    region: z.string().optional(),
    postcode: z.string(),
  }),
  customerSince: isoDate.describe('Start of the relationship: tenure in summaries and rules.'),
  scores: z.object({
    /** Customer value, 0–100. */
    value: z.number().min(0).max(100),
    /** Growth potential, 0–100. */
    potential: z.number().min(0).max(100),
    /** Probability of leaving, 0–1. */
    churnRisk: z.number().min(0).max(1),
  }),
  contract: z
    .object({ plan: z.string(), endDate: isoDate.optional() })
    .optional()
    .describe('The plan and when the contract ends: renewal offers, cancel summaries.'),
  products: z.array(productSchema).default([]).describe('Services held: usage, plan offers, cross-sell (by kind).'),
  devices: z.array(deviceSchema).default([]).describe('Devices: upgrades and technical support summaries.'),
  /** Named entitlements, e.g. `{ free_upgrade: true, early_upgrade_fee: 120 }`. */
  entitlements: z.record(z.union([z.boolean(), z.number(), z.string()])).default({}),
  billing: z.object({
    currency: z.string().length(3).default('USD'),
    balance: z.number(),
    dueDate: isoDate.optional(),
    lastPayment: z.object({ amount: z.number(), date: isoDate }).optional(),
    invoices: z.array(invoiceSchema).default([]),
  }),
  orders: z.array(orderSchema).default([]).describe('Orders; open ones can be tracked by the bot.'),
  contacts: z.array(contactSchema).default([]).describe('Past contacts; topic is an intent name, used to filter summaries.'),
  tickets: z.array(ticketSchema).default([]).describe('Service tickets; open ones appear in support and complaint summaries.'),
  campaigns: z.array(campaignSchema).default([]).describe('Campaigns sent: "I got a letter about…" and follow-up offers.'),
  /** Retention offers this customer qualifies for, as the CI system decides. */
  retentionOffers: z.array(offerSchema).default([]),
});

export type Profile = z.infer<typeof profileSchema>;
export type Product = z.infer<typeof productSchema>;
export type Order = z.infer<typeof orderSchema>;
export type Campaign = z.infer<typeof campaignSchema>;
