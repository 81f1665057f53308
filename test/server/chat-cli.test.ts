/** `npm run chat`: a terminal conversation that shows what the agent would see. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/harness';

const run = (args: string[], input: string) =>
  spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'chat.ts'), ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEMO_FIXED_DATES: 'true' },
    timeout: 30_000,
  });

describe('npm run chat', () => {
  it('talks as a signed-in demo customer and prints the agent summary on handoff', () => {
    const { stdout, status } = run(['--as', 'C1003'], 'what is my balance\nI was charged twice on my bill\n');
    expect(status).toBe(0);
    expect(stdout).toContain('Hi Sofia');
    expect(stdout).toContain('Your balance is $80.00');
    expect(stdout).toContain("What the agent sees");
    expect(stdout).toContain('Queue Billing (billing), priority 70');
    expect(stdout).toContain('Recent invoices:');
    expect(stdout).not.toContain('Orders:');
  });

  it('lists the demo customers', () => {
    const { stdout } = run(['--list'], '');
    expect(stdout).toMatch(/C1001 {2}Maya Chen {2}\+15550100001 {2}ZIP 94110/);
  });
});
