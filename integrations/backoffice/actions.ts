/**
 * The embedded back office's actions as a typed registry: each action's name,
 * and the arguments a dialog may pass (`args:`); each returns a flat record. The content
 * check reads the names and argument keys from here, so a dialog calling
 * `payment.send_link` with `ammount:` fails `npm run validate`.
 */
import { z } from 'zod';

/** A dialog's argument: a rendered template, '' when its value was absent. */
const text = z.string().optional();

/** One action a dialog may `call:`. */
export interface ActionSpec<Args extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  /** The arguments the action reads; any other key is a content mistake. */
  readonly args: z.ZodObject<Args, 'strict'>;
}

function action<Name extends string, Args extends z.ZodRawShape>(name: Name, args: Args): ActionSpec<Args> & { name: Name } {
  return { name, args: z.object(args).strict() };
}

/** Every action the embedded back office runs, in the order the README lists them. */
export const actionRegistry = [
  action('outage.check', { postcode: text }),
  action('stores.nearest', { postcode: text, text }),
  action('payment.send_link', { amount: text, channel: text }),
  action('password.send_reset', {}),
  action('address.update', { line1: text, city: text, postcode: text, region: text }),
  action('upgrade.quote', {}),
  action('upgrade.place', { model: text }),
  action('orders.find', { order_number: text }),
  action('campaigns.match', { text }),
  // Called by agents' guided processes (processes/*.yaml).
  action('charge.credit', { invoice: text, amount: text, reason: text }),
  action('fee.charge', { amount: text, reason: text }),
  action('retention.apply', { offer: text }),
] as const;

/** An action's name, as a dialog writes it after `call:`. */
export type ActionName = (typeof actionRegistry)[number]['name'];

/** Name → the argument keys it accepts: what the content check needs. */
export const actionCatalogue: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  actionRegistry.map((a) => [a.name, Object.keys(a.args.shape)]),
);

/** The action of that name, or undefined. */
export function actionSpec(name: string): ActionSpec | undefined {
  return actionRegistry.find((a) => a.name === name);
}
