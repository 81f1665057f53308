/**
 * `npm install` prepares the word vectors (package.json postinstall), so
 * the first `npm start` reads the compact cache instead of parsing the
 * package's 300 MB JSON. Run as npm runs it; the cache is in place here, as
 * after any install, so this checks the wiring and the report, not the
 * twenty seconds of conversion.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/harness';

it('npm install runs the word-vector preparation, which reports them ready', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.postinstall).toContain('scripts/prepare.ts');
  const out = execFileSync('npm', ['run', '-s', 'postinstall'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(out).toMatch(/^frontline: word vectors ready \(\d+\.\d s\)$/m);
}, 150_000);
