/** `npm run call`: a phone call in the terminal, signed as Twilio signs. */
import { npmRun, runScript } from '../support/spawn';

it('calls from a demo number, verifies by keypad and hears the balance (npm run call as typed, without the DEP0111 warning)', () => {
  const { stdout, stderr, status } = npmRun('call', ['--from', '+15550100001'], {
    input: "what's my balance\n#94110\n",
    env: { ...process.env, DEMO_FIXED_DATES: 'true' },
    timeout: 90_000,
  });
  expect(status).toBe(0);
  expect(stdout).toContain('enter the 5 digit ZIP code');
  expect(stdout).toContain('Your balance is 145 dollars');
  // restify 11 reads process.binding('http_parser'): harmless, and alarming to a new user (npm-scripts.test.ts).
  expect(stderr).not.toMatch(/\[DEP0111\] DeprecationWarning/);
});

it('shows the text a caller would get, from the demo outbox, and says it is the demo outbox', () => {
  const { stdout, status } = runScript('call', ['--from', '+15550100001'], {
    input: 'I want to pay my bill\n#94110\n',
    env: { ...process.env, DEMO_FIXED_DATES: 'true', TWILIO_SMS_FROM: '' },
    timeout: 30_000,
  });
  expect(status).toBe(0);
  expect(stdout).toContain('the link is waiting in the demo outbox');
  expect(stdout).toMatch(/📱 demo outbox, text to \+15550100001: Pay securely: https:\/\/pay\.brightwave\.example\/p\/\S+/);
});
