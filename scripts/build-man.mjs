#!/usr/bin/env node
// Builds the man pages (dist/man/<tool>.1) from the same Markdown as docs/: each tool's page
// (docs/<tool>.md, written in ronn's form: `# tool(1) -- description`, then SYNOPSIS ...),
// with the tool's part of docs/limits.md and docs/differences.md inserted before EXIT
// STATUS, so that the man page says all the docs say about that tool. Converted by
// marked-man (a devDependency: a packed or installed flamekit carries the built pages).
//
// The date in each page is SOURCE_DATE_EPOCH's, else the last commit's, so that a build
// gives the same bytes every time; the version is package.json's.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'docs');
const outDir = join(root, 'dist', 'man');
export const TOOLS = ['range-perf', 'stackcollapse', 'flamegraph-svg', 'heatmap-svg'];

/** The `## ...` section of a Markdown text whose heading starts with `title`, without its heading. */
function section(markdown, title) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  if (start < 0) throw new Error(`no section "## ${title}"`);
  let end = lines.findIndex((l, i) => i > start && /^##? /.test(l));
  if (end < 0) end = lines.length;
  return { heading: lines[start].slice(3), body: lines.slice(start + 1, end).join('\n').trim() };
}

/** The Markdown a tool's man page is made from. */
export function manSource(tool) {
  const page = readFileSync(join(docs, `${tool}.md`), 'utf8');
  const limits = readFileSync(join(docs, 'limits.md'), 'utf8');
  const differences = readFileSync(join(docs, 'differences.md'), 'utf8');
  const own = section(limits, tool).body;
  const input = section(limits, 'Input every tool reads the same way').body;
  const diff = section(differences, tool);
  const extra = [
    `## LIMITS AND GUARANTEES\n\n${input}\n\n${own}`,
    ...(tool.endsWith('-svg') ? [`### Guarantees of the SVG\n\n${section(limits, 'Guarantees of the SVGs').body}`] : []),
    `## DIFFERENCES FROM ${diff.heading.replace(/^[^(]*\(vs (.*)\)$/, '$1').toUpperCase()}\n\n${diff.body}`,
  ].join('\n\n');
  const at = page.indexOf('\n## EXIT STATUS');
  if (at < 0) throw new Error(`docs/${tool}.md has no EXIT STATUS section`);
  const md = `${page.slice(0, at)}\n\n${extra}\n${page.slice(at)}`;
  // Pictures and their captions are for the web page.
  return md
    .replace(/^!\[[^\]]*\]\([^)]*\)\n(\n\*`docs\/[^`]*`:[\s\S]*?\*\n)?/gm, '')
    .replace(/\[([^\]]+)\]\(([a-z-]+\.md)\)/g, (_m, text, file) => (text === file ? `docs/${file}` : `${text} (docs/${file})`));
}

function manDate() {
  if (process.env.SOURCE_DATE_EPOCH) return new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString().slice(0, 10);
  const git = spawnSync('git', ['log', '-1', '--format=%cs'], { cwd: root, encoding: 'utf8' });
  if (git.status === 0 && /^\d{4}-\d\d-\d\d$/.test(git.stdout.trim())) return git.stdout.trim();
  return '2026-01-01';
}

function main() {
  let cli;
  try {
    const pkg = createRequire(import.meta.url).resolve('marked-man/package.json');
    cli = join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin['marked-man']);
  } catch {
    if (TOOLS.every((t) => existsSync(join(outDir, `${t}.1`)))) return;
    process.stderr.write('build-man: marked-man is not installed (npm install): no man pages built\n');
    process.exitCode = 1;
    return;
  }
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const date = manDate();
  mkdirSync(outDir, { recursive: true });
  for (const tool of TOOLS) {
    const roff = execFileSync(process.execPath, [cli, '--no-breaks', '--version', version, '--manual', 'flamekit', '--date', date], {
      input: manSource(tool),
      encoding: 'utf8',
    });
    writeFileSync(join(outDir, `${tool}.1`), roff);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
