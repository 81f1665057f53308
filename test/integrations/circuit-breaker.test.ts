/** The circuit breaker alone: when it opens, what it lets through half open, and what does not count. */
import { CircuitBreaker, CircuitOpenError } from '../../integrations/resilience/circuit-breaker';

const boom = () => Promise.reject(new Error('down'));
const ok = () => Promise.resolve('ok');

function breaker(failures = 3) {
  let now = 0;
  const changes: string[] = [];
  const b = new CircuitBreaker({ name: 'svc', failures, cooldownMs: 1000, now: () => now, onChange: (s) => changes.push(s) });
  return { b, changes, advance: (ms: number) => void (now += ms) };
}

it('opens after the failures in a row, refuses without calling, and closes after a good trial', async () => {
  const { b, changes, advance } = breaker();
  for (let i = 0; i < 3; i++) await expect(b.run(boom)).rejects.toThrow('down');
  expect(b.state).toBe('open');
  let called = false;
  await expect(b.run(async () => (called = true))).rejects.toBeInstanceOf(CircuitOpenError);
  expect(called).toBe(false);
  advance(1000);
  expect(await b.run(ok)).toBe('ok');
  expect(b.state).toBe('closed');
  expect(changes).toEqual(['open', 'half_open', 'closed']);
});

it('lets one trial through at a time, and a failed trial opens it for another cooldown', async () => {
  const { b, advance } = breaker(1);
  await expect(b.run(boom)).rejects.toThrow();
  advance(1000);
  let release!: () => void;
  const trial = b.run(() => new Promise<void>((_, reject) => (release = () => reject(new Error('still down')))));
  await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
  release();
  await expect(trial).rejects.toThrow('still down');
  expect(b.state).toBe('open');
  advance(999);
  await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
});

it('counts only the failures it is told to: an answer of "no" is not an outage', async () => {
  const { b } = breaker(1);
  await expect(b.run(boom, () => false)).rejects.toThrow();
  expect(b.state).toBe('closed');
  await expect(b.run(boom)).rejects.toThrow();
  expect(b.state).toBe('open');
});

it('resets the count on a success between failures', async () => {
  const { b } = breaker(2);
  await expect(b.run(boom)).rejects.toThrow();
  await b.run(ok);
  await expect(b.run(boom)).rejects.toThrow();
  expect(b.state).toBe('closed');
});
