/**
 * The desk's agents file (AGENTS_FILE, default ./agents.yaml):
 *
 *   npm run agents -- add <id> --name "Dana" --queues billing,customer_care [--supervisor] [--file agents.yaml]
 *   npm run agents -- list [--file agents.yaml]
 *   npm run agents -- remove <id> [--file agents.yaml]
 *
 * `add` asks for the password (not echoed), or reads it from standard input
 * when that is not a terminal (`echo "$PW" | npm run agents -- add …`), and
 * writes its scrypt hash; adding an existing id replaces that agent.
 * Comments in the file are kept.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDocument, YAMLSeq } from 'yaml';
import { agentEntrySchema, hashPassword, readAgentsFile, type AgentEntry } from '../bot/desk/agents';

const MIN_PASSWORD = 10;

async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (key: string) => {
      for (const ch of key) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(typed);
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          return reject(new Error('cancelled'));
        }
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      queues: { type: 'string' },
      supervisor: { type: 'boolean', default: false },
      file: { type: 'string' },
    },
  });
  const [command, id] = positionals;
  const file = values.file ?? (process.env.AGENTS_FILE || 'agents.yaml');
  const doc = existsSync(file) ? parseDocument(readFileSync(file, 'utf8')) : parseDocument('agents: []\n');
  if (existsSync(file)) readAgentsFile(file); // refuses a broken file before touching it
  if (!doc.has('agents')) doc.set('agents', new YAMLSeq());
  const list = () => (doc.toJS() as { agents: AgentEntry[] }).agents;

  if (command === 'list') {
    for (const a of list()) process.stdout.write(`${a.id}\t${a.name}\t${(a.roles ?? ['agent']).join(',')}\t${(a.queues ?? []).join(',')}\t${a.password_hash ? 'password set' : 'no password (demo only)'}\n`);
    return;
  }
  if (!id || (command !== 'add' && command !== 'remove'))
    fail('usage: npm run agents -- add <id> --name "Dana" --queues billing,customer_care [--supervisor] [--file agents.yaml] | list | remove <id>');
  const index = list().findIndex((a) => a.id === id);
  if (command === 'remove') {
    if (index < 0) fail(`${file}: no agent "${id}"`);
    doc.deleteIn(['agents', index]);
    writeFileSync(file, doc.toString());
    process.stdout.write(`removed ${id} from ${file}\n`);
    return;
  }

  const entry = agentEntrySchema.safeParse({
    id,
    name: values.name ?? '',
    roles: values.supervisor ? ['agent', 'supervisor'] : ['agent'],
    queues: (values.queues ?? '')
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean),
  });
  if (!entry.success) fail(`${entry.error.issues[0]!.path.join('.')}: ${entry.error.issues[0]!.message}`);
  const password = await readPassword(`Password for ${id} (at least ${MIN_PASSWORD} characters): `);
  if (password.length < MIN_PASSWORD) fail(`the password needs at least ${MIN_PASSWORD} characters`);
  const agent = { ...entry.data, password_hash: await hashPassword(password) };
  const node = doc.createNode(agent, { flow: false });
  for (const list of ['roles', 'queues']) (node.get(list) as YAMLSeq).flow = true;
  const agents = doc.get('agents') as YAMLSeq;
  agents.flow = false;
  if (index >= 0) agents.set(index, node);
  else agents.add(node);
  writeFileSync(file, doc.toString(), { mode: 0o600 });
  process.stdout.write(`${index >= 0 ? 'updated' : 'added'} ${id} (${agent.queues.join(', ') || 'no queues'}) in ${file}\n`);
}

main().catch((err: unknown) => fail(`npm run agents: ${(err as Error).message}`));
