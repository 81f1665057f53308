/**
 * Every self-service intent of the demo contact center completes for a
 * verified demo customer, through the engine with the real content, the demo
 * customers and the embedded back office.
 */
import { demoHarness, signedIn, type Harness } from '../support/harness';
import type { FileProfileSource } from '../../integrations/ci/file-profiles';

let h: Harness & { profiles: FileProfileSource };
beforeAll(async () => {
  h = await demoHarness();
});

const all = (texts: string[]) => texts.join('\n');

describe('self-service for a signed-in customer', () => {
  it('check_balance: balance, due date and last payment', async () => {
    const c = h.conversation({ identity: signedIn('C1001') });
    await c.start();
    const out = await c.say("what's my balance?");
    expect(out.handoff).toBeUndefined();
    expect(all(c.texts)).toContain('Your balance is $145.00, due on Saturday, December 5.');
    expect(all(c.texts)).toContain('Your last payment was $145.00 on Wednesday, October 28.');
    expect(c.texts.at(-1)).toBe('Is there anything else I can help you with?');
  });

  it('make_payment: a secure link in chat, card numbers never kept', async () => {
    const c = h.conversation({ identity: signedIn('C1002') });
    await c.start();
    const out = await c.say('I want to pay my bill');
    const link = out.replies.find((r) => r.link)?.link;
    expect(link?.url).toMatch(/^https:\/\/pay\.brightwave\.example\/p\/[\w-]{10,}$/);
    expect(all(c.texts)).toContain('$140.00');
    const later = await c.say('my card is 4111 1111 1111 1111 can you take it');
    expect(JSON.stringify(later)).not.toContain('4111');
    const agent = await c.say('agent');
    const transcript = JSON.stringify(agent.handoff?.handoff.transcript);
    expect(transcript).not.toContain('4111');
    expect(transcript).toContain('[card number removed]');
  });

  it('track_order: status, carrier, ETA and tracking link of the one open order', async () => {
    const c = h.conversation({ identity: signedIn('C1001') });
    await c.start();
    const out = await c.say('where is my order');
    expect(all(c.texts)).toContain('Your order BW-482913 (Mesh WiFi extender) is shipped. It\'s with UPS and expected on Thursday, November 26.');
    expect(out.replies.find((r) => r.link)?.link?.url).toBe('https://track.example.com/ups/1Z999AA10123456784');
  });

  it('track_order: asks which one when there are several, and understands an order number', async () => {
    const c = h.conversation({ identity: signedIn('C1011') });
    await c.start();
    const ask = await c.say('track my order please');
    expect(ask.replies.at(-1)?.choices?.map((x) => x.value)).toEqual(['BW-550001', 'BW-550002']);
    await c.say('the galaxy one');
    expect(all(c.texts)).toContain('Samsung Galaxy S25');
    expect(all(c.texts)).toContain('Saturday, November 28');

    const direct = h.conversation({ identity: signedIn('C1011') });
    await direct.start();
    await direct.say('where is order bw 550001');
    expect(all(direct.texts)).toContain('eSIM activation kit');
    expect(all(direct.texts)).not.toContain('Which one');
  });

  it('data_usage: plan, allowance and use this cycle', async () => {
    const c = h.conversation({ identity: signedIn('C1001') });
    await c.start();
    await c.say('how much data have I used');
    expect(all(c.texts)).toContain("On Mobile 50 GB you've used 46.5 GB of your 50 GB this cycle, that's 93 percent.");
  });

  it('outage_status: the known outage at the address, with until when', async () => {
    const c = h.conversation({ identity: signedIn('C1001') });
    await c.start();
    await c.say('is there an outage in my area');
    expect(all(c.texts)).toContain('known broadband outage in your area. A fibre cabinet fault');
    expect(all(c.texts)).toContain('Tuesday, November 24 at 6:00 PM');
  });

  it('outage_status: none known hands off to tech support with what was checked', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    const out = await c.say('is the network down in my area?');
    const handoff = out.handoff!.handoff;
    expect(handoff.queue).toBe('tech_support');
    expect(handoff.botActions).toContain('Checked for outages at 94704: none known');
    expect(handoff.summary.map((s) => s.section)).toEqual(['products', 'devices', 'tickets']);
  });

  it('reset_password: a link to the email on file; no email hands off', async () => {
    const c = h.conversation({ identity: signedIn('C1001') });
    await c.start();
    await c.say('I forgot my password');
    expect(all(c.texts)).not.toContain("I've sent");
    await c.say('yes');
    expect(all(c.texts)).toContain('I\'ve sent a password reset link to m•••@example.com.');

    const noEmail = h.conversation({ identity: signedIn('C1013') });
    await noEmail.start();
    const out = await noEmail.say('reset my password');
    expect(out.handoff?.handoff.queue).toBe('tech_support');
  });

  it('update_address: collects, reads back, confirms and updates', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    await c.say('I moved, I need to change my address');
    await c.say('77 Shattuck Avenue');
    await c.say('Berkeley');
    const confirm = await c.say('94705');
    expect(confirm.replies.at(-1)?.text).toBe('So the new address is 77 Shattuck Avenue, Berkeley 94705. Shall I update it?');
    await c.say('yes please');
    expect(all(c.texts)).toContain('Done: your address is now 77 Shattuck Avenue, Berkeley 94705.');
    expect((await h.profiles.byCustomerId('C1004'))?.address).toMatchObject({ line1: '77 Shattuck Avenue', postcode: '94705' });
  });

  it('upgrade_device: entitled → confirms the address and places the upgrade', async () => {
    const c = h.conversation({ identity: signedIn('C1005') });
    await c.start();
    const quote = await c.say('can I upgrade my phone');
    expect(all(c.texts)).toContain("you're due a free upgrade from your iPhone 12");
    expect(quote.replies.at(-1)?.text).toBe('Shall I send it to 300 University Avenue, Palo Alto, 94301?');
    await c.say('yes');
    expect(all(c.texts)).toContain('order number BW-900001, arriving by Friday, November 27.');
  });

  it('upgrade_device: not entitled → quotes the fee and hands off to sales with the quote', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    const out = await c.say('am I eligible for an upgrade');
    expect(all(c.texts)).toContain('has a fee of $120.00');
    const handoff = out.handoff!.handoff;
    expect(handoff.queue).toBe('sales');
    expect(handoff.botActions.join()).toContain('fee $120.00');
    expect(handoff.summary.map((s) => s.section)).toEqual(['products', 'entitlements', 'campaigns']);
  });

  it('store_hours: the nearest store and its hours, no identification needed', async () => {
    const c = h.conversation({});
    await c.start();
    const out = await c.say('what are your opening hours?');
    expect(out.handoff).toBeUndefined();
    expect(all(c.texts)).toContain('Brightwave Union Square');
    expect(all(c.texts)).toContain('Mon–Fri 9am to 8pm');
    const near = h.conversation({});
    await near.start();
    await near.say('is there a store near 95814');
    expect(all(near.texts)).toContain('Brightwave Sacramento');
  });

  it('campaign_question: explains the offer this customer was sent', async () => {
    const c = h.conversation({ identity: signedIn('C1005') });
    await c.start();
    await c.say('I got a letter about fibre, what is it?');
    expect(all(c.texts)).toContain('"Fibre 1 Gig upgrade" by letter');
    await c.say('no thanks');
    expect(c.texts.at(-1)).toBe('Is there anything else I can help you with?');
  });
});
