// Profiles recorded at test time, for the tests of the inputs that are not perf script text:
// a V8 .cpuprofile from `node --cpu-prof` and a Chrome trace from headless Chromium, both of
// a program with two phases (phaseA, then phaseB), and what their raw JSON says, read
// without the project's readers, so that tests can count samples independently.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './browser/chromium.js';

/** A program that spends ~250 ms in phaseA and then ~250 ms in phaseB. */
export const TWO_PHASES = `
function phaseA() { const t = Date.now(); let x = 0; while (Date.now() - t < 250) x += Math.sqrt(x + 1); return x; }
function phaseB() { const t = Date.now(); let s = ''; while (Date.now() - t < 250) s = (s + 'ab').slice(-50); return s; }
phaseA(); phaseB();
`;

export interface RawNode {
  id: number;
  callFrame: { functionName: string };
  children?: number[];
  parent?: number;
}

export interface RawCpuProfile {
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  nodes: RawNode[];
}

/** Per sample, the function names from its node up to the root, read straight from the JSON. */
export function namesPerSample(nodes: RawNode[], samples: number[]): string[][] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) {
    if (n.parent !== undefined) parent.set(n.id, n.parent);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  return samples.map((s) => {
    const names: string[] = [];
    for (let id: number | undefined = s; id !== undefined && byId.has(id); id = parent.get(id)) names.push(byId.get(id)!.callFrame.functionName);
    return names;
  });
}

/** Records TWO_PHASES with node --cpu-prof in `dir`: the .cpuprofile's path and its JSON. */
export function recordTwoPhases(dir: string, name: string): { file: string; json: RawCpuProfile } {
  const script = join(dir, `${name}.js`);
  writeFileSync(script, TWO_PHASES);
  const out = join(dir, name);
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', out, '--cpu-prof-interval', '500', script]);
  const file = join(out, readdirSync(out)[0]);
  return { file, json: JSON.parse(readFileSync(file, 'utf8')) };
}

export interface TraceEvent {
  ph: string;
  name: string;
  id?: string;
  pid?: number;
  tid?: number;
  args?: { data?: { startTime?: number; cpuProfile?: { nodes?: RawNode[]; samples?: number[] }; timeDeltas?: number[] } };
}

/** Runs TWO_PHASES in headless Chromium with V8's CPU profiler traced: the trace as JSON. */
export async function recordChromeTrace(): Promise<{ traceEvents: TraceEvent[] }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setContent('<html><body>trace</body></html>');
    await browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler', '__metadata'] });
    await page.evaluate(`(() => { ${TWO_PHASES.replace(/Date\.now\(\)/g, 'performance.now()')} })()`);
    return JSON.parse((await browser.stopTracing()).toString('utf8'));
  } finally {
    await browser.close();
  }
}

/** A timed sample of a raw profile: microseconds, and its function names leaf first. */
export interface RawSample {
  us: number;
  names: string[];
}

/** The samples of a raw .cpuprofile: startTime plus the running sum of timeDeltas. */
export function cpuProfileSamples(p: RawCpuProfile): RawSample[] {
  const names = namesPerSample(p.nodes, p.samples);
  let t = p.startTime;
  return p.samples.map((_, i) => {
    t += p.timeDeltas[i];
    return { us: t, names: names[i] };
  });
}

/** The samples of a raw Chrome trace: per profile id, its startTime plus the running sum of its chunks' timeDeltas. */
export function chromeTraceSamples(events: TraceEvent[]): RawSample[] {
  const start = new Map<string, number>();
  const nodes = new Map<string, RawNode[]>();
  const samples = new Map<string, { id: number; delta: number }[]>();
  for (const e of events) {
    if (e.name === 'Profile' && e.id !== undefined) start.set(e.id, e.args?.data?.startTime ?? 0);
    if (e.name !== 'ProfileChunk' || e.id === undefined) continue;
    const cpu = e.args?.data?.cpuProfile;
    if (!nodes.has(e.id)) nodes.set(e.id, []);
    if (!samples.has(e.id)) samples.set(e.id, []);
    nodes.get(e.id)!.push(...(cpu?.nodes ?? []));
    const deltas = e.args?.data?.timeDeltas ?? [];
    (cpu?.samples ?? []).forEach((id, k) => samples.get(e.id!)!.push({ id, delta: deltas[k] ?? 0 }));
  }
  const out: RawSample[] = [];
  for (const [id, list] of samples) {
    const names = namesPerSample(nodes.get(id)!, list.map((s) => s.id));
    let t = start.get(id) ?? 0;
    list.forEach((s, k) => {
      t += s.delta;
      out.push({ us: t, names: names[k] });
    });
  }
  return out;
}
