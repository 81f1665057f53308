/**
 * Imports point downward only: no folder of bot/ or integrations/ imports,
 * directly or through others, a folder that imports it back. A circle between
 * content and engine made every content change a risk to the turn pipeline.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer a file belongs to: its folder under bot/ or integrations/, or the file itself at bot/'s top. */
function layerOf(file: string): string {
  const parts = relative(root, file).split(sep);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.join('/');
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Layer → layer → the first file import that makes the edge (for the message). */
function layerGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of [...sources(join(root, 'bot')), ...sources(join(root, 'integrations'))]) {
    const from = layerOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importPattern)) {
      const target = resolve(dirname(file), m[1] ?? m[2]!);
      const to = layerOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (to === from || !relative(root, target).match(/^(bot|integrations)\//)) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(root, file)} imports ${m[1] ?? m[2]}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** One circle of layers, as the imports that close it, or null. */
function findCircle(graph: Map<string, Map<string, string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const circle = [...path.slice(path.indexOf(next)), next];
        return circle.slice(1).map((to, i) => graph.get(circle[i]!)!.get(to)!);
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe('import layers', () => {
  const graph = layerGraph();

  it('has no circle between folders', () => {
    expect(findCircle(graph)).toBeNull();
  });

  it('keeps engine above content and content above domain', () => {
    const uses = (from: string, to: string) => graph.get(from)?.get(to);
    expect(uses('bot/content', 'bot/engine')).toBeUndefined();
    expect(uses('bot/domain', 'bot/content')).toBeUndefined();
    expect(uses('bot/domain', 'bot/engine')).toBeUndefined();
    expect(uses('bot/engine', 'bot/domain')).toBeDefined();
  });

  it('names the imports that close a circle', () => {
    const circle = new Map([
      ['bot/a', new Map([['bot/b', 'bot/a/x.ts imports ../b/y']])],
      ['bot/b', new Map([['bot/a', 'bot/b/y.ts imports ../a/x']])],
    ]);
    expect(findCircle(circle)).toEqual(['bot/a/x.ts imports ../b/y', 'bot/b/y.ts imports ../a/x']);
  });
});
