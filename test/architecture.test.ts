// The shape of the code, as docs/layout.md describes it, checked by walking every import
// in src/ (static imports, `export ... from`, type-only imports and dynamic `import()` of a
// literal path):
// - no import cycle, type-only imports included;
// - outside the CLI edge (src/cli.ts, src/<tool>/cli.ts), no module refers to `process`
//   or imports the edge: cores take what they need from the edge as arguments;
// - flamegraph/ never imports heatmap/ (a range flame graph is a flame graph, not the reverse).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');

/** Modules of the CLI edge: they may touch process state, and only they. */
function isEdge(file: string): boolean {
  return file === 'src/cli.ts' || /^src\/[^/]+\/cli\.ts$/.test(file);
}

/**
 * Modules allowed to break the edge rule, each with the reason (file -> why). Empty: when
 * the rule was written, src/heatmap and src/parse (reworked on other branches) kept it
 * already. An entry whose module keeps the rule again fails the test, so the list never
 * goes stale.
 */
const EDGE_ALLOWED: Record<string, string> = {};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? walk(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

interface ModuleInfo {
  imports: string[];
  /** Whether the code (not a comment or a string) refers to the global `process`. */
  usesProcess: boolean;
}

function readModule(path: string): ModuleInfo {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const imports: string[] = [];
  let usesProcess = false;
  const add = (spec: string) => {
    if (!spec.startsWith('.')) return;
    // AssemblyScript (src/parse/core/) imports without an extension: './layout' is layout.ts.
    const ts_ = spec.endsWith('.js') ? spec.replace(/\.js$/, '.ts') : /\.[a-z]+$/.test(spec) ? spec : `${spec}.ts`;
    imports.push(relative(ROOT, resolve(dirname(path), ts_)));
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(arg.text);
    } else if (ts.isIdentifier(node) && node.text === 'process') {
      const p = node.parent;
      // `x.process` and `{ process: ... }` name something else.
      const isMemberName = (ts.isPropertyAccessExpression(p) && p.name === node) || (ts.isPropertyAssignment(p) && p.name === node) || ts.isPropertySignature(p);
      if (!isMemberName) usesProcess = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, usesProcess };
}

const modules = new Map<string, ModuleInfo>();
for (const f of walk(SRC)) modules.set(relative(ROOT, f), readModule(f));

describe('the import graph of src/', () => {
  it('has modules to check, and every relative import resolves to one', () => {
    expect(modules.size).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const [file, m] of modules) for (const to of m.imports) if (!modules.has(to)) missing.push(`${file} -> ${to}`);
    expect(missing).toEqual([]);
  });

  it('has no file over 600 lines (issue 15: one concern per file)', () => {
    const long = [...modules.keys()].map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 600);
    expect(long).toEqual([]);
  });

  it('has no cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const to of modules.get(f)?.imports ?? []) {
        if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to].join(' -> '));
        else if (!state.has(to)) visit(to);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of [...modules.keys()].sort()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('keeps process and the CLI edge out of everything but the edge', () => {
    const offenders: string[] = [];
    for (const [file, m] of [...modules].sort()) {
      if (isEdge(file)) continue;
      const why: string[] = [];
      if (m.usesProcess) why.push('refers to process');
      for (const to of m.imports) if (isEdge(to)) why.push(`imports ${to}`);
      if (why.length > 0) offenders.push(`${file}: ${why.join(', ')}`);
    }
    const allowed = offenders.filter((o) => o.split(':')[0] in EDGE_ALLOWED);
    expect(offenders.filter((o) => !allowed.includes(o))).toEqual([]);
    // An entry whose module is clean now must go.
    expect(Object.keys(EDGE_ALLOWED).filter((f) => !allowed.some((o) => o.startsWith(`${f}:`)))).toEqual([]);
  });

  it('a self-check: the walk finds every kind of import, and process only in code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamekit-arch-'));
    const probe = join(dir, 'probe.ts');
    writeFileSync(probe, "import { a } from './a.js';\nimport type { B } from './b.js';\nexport { c } from './c.js';\nconst d = await import('./d.js');\n// process in a comment\nconst s = 'process';\nconst o = { process: 1 };\nconsole.log(o.process);\n");
    const m = readModule(probe);
    expect(m.imports.map((f) => f.split('/').pop())).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
    expect(m.usesProcess).toBe(false);
    writeFileSync(probe, 'const { env } = process;\n');
    expect(readModule(probe).usesProcess).toBe(true);
    expect(modules.get('src/cli.ts')!.usesProcess).toBe(true);
  });

  it('flamegraph/ never imports heatmap/', () => {
    const bad: string[] = [];
    for (const [file, m] of modules) {
      if (!file.startsWith('src/flamegraph/')) continue;
      for (const to of m.imports) if (to.startsWith('src/heatmap/')) bad.push(`${file} -> ${to}`);
    }
    expect(bad).toEqual([]);
  });
});
