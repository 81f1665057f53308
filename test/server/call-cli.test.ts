/** `npm run call`: a phone call in the terminal, signed as Twilio signs. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/harness';

it('calls from a demo number, verifies by keypad and hears the balance', () => {
  const { stdout, status } = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'call.ts'), '--from', '+15550100001'], {
    cwd: root,
    input: "what's my balance\n#94110\n",
    encoding: 'utf8',
    env: { ...process.env, DEMO_FIXED_DATES: 'true' },
    timeout: 30_000,
  });
  expect(status).toBe(0);
  expect(stdout).toContain('enter the 5 digit ZIP code');
  expect(stdout).toContain('Your balance is 145 dollars');
});

it('shows the text a caller would get, from the demo outbox, and says it is the demo outbox', () => {
  const { stdout, status } = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'call.ts'), '--from', '+15550100001'], {
    cwd: root,
    input: 'I want to pay my bill\n#94110\n',
    encoding: 'utf8',
    env: { ...process.env, DEMO_FIXED_DATES: 'true', TWILIO_SMS_FROM: '' },
    timeout: 30_000,
  });
  expect(status).toBe(0);
  expect(stdout).toContain('the link is waiting in the demo outbox');
  expect(stdout).toMatch(/📱 demo outbox, text to \+15550100001: Pay securely: https:\/\/pay\.brightwave\.example\/p\/\S+/);
});
