import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `lib/` is layered: a folder imports only from folders below it (STYLE.md), so the
 * folder graph of imports, type-only imports included, has no cycle. A cycle means two
 * concepts depend on each other and one of them is in the wrong place.
 */
const LIB = fileURLToPath(new URL('../../../lib', import.meta.url));

function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const entry of readdirSync(LIB, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const from = path.relative(LIB, entry.parentPath).split(path.sep)[0]!;
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const match of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(\.[^']+)'/g)) {
      const to = path.relative(LIB, path.resolve(entry.parentPath, match[1]!)).split(path.sep)[0]!;
      if (to !== from && !to.startsWith('..')) targets.add(to);
    }
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as `a -> b -> a`. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const walk = (node: string, trail: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) found.push([...trail.slice(at), next].join(' -> '));
      else walk(next, [...trail, next]);
    }
  };
  for (const node of graph.keys()) walk(node, [node]);
  return [...new Set(found)];
}

describe('lib/ layering', () => {
  it('has no import cycle between folders', () => {
    expect(cycles(folderImports())).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([['baseline', new Set(['detect'])], ['detect', new Set(['baseline'])]]);

    expect(cycles(graph)).toContain('baseline -> detect -> baseline');
  });
});
