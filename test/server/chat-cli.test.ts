/** `npm run chat`: a terminal conversation that shows what the agent would see; `--help` of it and of `npm run call`. */
import { npmRun, runScript } from '../support/spawn';

const options = (input: string) => ({ input, env: { ...process.env, NO_COLOR: '1', DEMO_FIXED_DATES: 'true' }, timeout: 90_000 });

describe('npm run chat', () => {
  it('talks as a signed-in demo customer and prints the agent summary on handoff (npm run chat as typed, without the DEP0111 warning)', () => {
    const { stdout, stderr, status } = npmRun('chat', ['--as', 'C1003'], options('what is my balance\nI was charged twice on my bill\n'));
    expect(status).toBe(0);
    // restify 11 reads process.binding('http_parser'): harmless, and alarming to a new user (npm-scripts.test.ts).
    expect(stderr).not.toMatch(/\[DEP0111\] DeprecationWarning/);
    expect(stdout).toContain('Hi Sofia');
    expect(stdout).toContain('Your balance is $80.00');
    expect(stdout).toContain("What the agent sees");
    expect(stdout).toContain('Queue Billing (billing), priority 70');
    expect(stdout).toContain('Recent invoices:');
    expect(stdout).not.toContain('Orders:');
  });

  it('lists the demo customers', () => {
    const { stdout } = runScript('chat', ['--list'], options(''));
    expect(stdout).toMatch(/C1001 {2}Maya Chen {2}\+15550100001 {2}ZIP 94110/);
  });

  it.each(['chat', 'call'])('npm run %s -- --help prints how to use it, and a wrong option says so in one line', (name) => {
    const help = npmRun(name, ['--help'], options(''));
    expect([help.status, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(new RegExp(`^npm run ${name} -- \\[`));
    expect(help.stdout).toContain('--help');
    const wrong = runScript(name, ['--frmo', 'x'], options(''));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim()).toMatch(new RegExp(`^${name}: Unknown option '--frmo'`));
  });
});
