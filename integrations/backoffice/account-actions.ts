/**
 * Account actions an agent's guided process calls: credit a charge, take a
 * fee, apply a retention offer. The embedded back office answers them from the
 * CI profile, the way a billing system would (it checks the invoice and the
 * offer exist and the amounts make sense), and keeps nothing: a production
 * back office implements the same names against its billing system.
 */
import { BackOfficeError } from '../../bot/engine/ports';
import type { Profile } from '../../bot/domain/profile';
import type { Result } from './profile-lookups';

/** A positive amount of money in the account's currency, rounded to cents; anything else is refused. */
function amountOf(action: string, raw: string | null): number {
  const n = raw === null ? NaN : Number(raw.replace(/^\$|,/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new BackOfficeError(`${action}: the amount is not a positive number`, 'pass the form\'s amount field, e.g. amount: "{amount}"');
  return Math.round(n * 100) / 100;
}

/** A credit against one invoice, never more than the invoice's amount. */
export function creditCharge(p: Profile, invoiceId: string | null, rawAmount: string | null, reason: string | null, id: string): Result {
  const invoice = p.billing.invoices.find((i) => i.id === invoiceId);
  if (!invoice) throw new BackOfficeError('charge.credit: no such invoice on this account', 'offer the invoices with choices_from: { list: invoices }');
  const amount = amountOf('charge.credit', rawAmount);
  if (amount > invoice.amount) throw new BackOfficeError('charge.credit: the credit is more than the invoice', 'credit at most the invoice amount');
  return { credit_id: id, invoice: invoice.id, amount, reason: reason ?? null, balance: Math.round((p.billing.balance - amount) * 100) / 100 };
}

/** A one-off fee on the next bill (an early upgrade, a replacement). */
export function chargeFee(rawAmount: string | null, reason: string | null, id: string): Result {
  return { charge_id: id, amount: amountOf('fee.charge', rawAmount), reason: reason ?? null };
}

/** One of the retention offers the CI system says this customer qualifies for. */
export function applyRetentionOffer(p: Profile, offerId: string | null): Result {
  const offer = p.retentionOffers.find((o) => o.id === offerId);
  if (!offer) throw new BackOfficeError('retention.apply: the customer does not qualify for that offer', 'offer the customer\'s own: choices_from: { list: retention_offers }');
  return { offer: offer.id, description: offer.description };
}
