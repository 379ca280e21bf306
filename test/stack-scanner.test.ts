// The core's stacks mode as JavaScript reads it (src/parse/stack-scanner.ts): a pair read
// by readPair (slices of one decode of the pairs interned since the last one) must be the
// pair that `pair` reads alone, whatever the pieces the input came in and whatever the
// order the pairs are asked for in; and a header with fewer `fields` must hold the same
// values as a full one in the fields it keeps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StackScanner, type SampleHeader } from '../src/parse/stack-scanner.js';
import { FIXTURES } from './helpers.js';

const INPUTS = ['recorded-pthreads.txt', 'edge-cases.txt', 'non-utf8.txt', 'idle-vm.txt'];

/** Splits `bytes` into pieces of `size` bytes (lines cut anywhere). */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

describe('the stacks mode scanner', () => {
  it.each(INPUTS.flatMap((f) => [7, 4096].map((size) => [f, size] as const)))('%s in pieces of %d bytes: readPair reads what pair reads', (file, size) => {
    const bytes = readFileSync(join(FIXTURES, 'perf', file));
    const asked: number[] = [];
    let mismatches = 0;
    let checked = 0;
    const check = (id: number) => {
      const alone = s.pair(id);
      s.readPair(id, checked % 5 === 4); // now and then alone, as a long run reads them
      checked++;
      if (s.pairSym !== alone.sym || s.pairDso !== alone.dso) mismatches++;
    };
    const s: StackScanner = new StackScanner({
      header: () => {},
      sample: (stack) => {
        // As stackcollapse names them: the pairs of each stack, root first, the first time
        // they are met; then some asked for again, from before the last decode.
        const ids = s.stackView(stack);
        for (let i = ids.length - 1; i >= 0; i--) {
          if (!asked.includes(ids[i])) asked.push(ids[i]);
          check(ids[i]);
        }
        check(asked[(checked * 7919) % asked.length]);
      },
      bad: () => {},
    });
    for (const p of pieces(bytes, size)) s.push(p);
    s.finish();
    expect(asked.length).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(asked.length);
    expect(mismatches).toBe(0);
  });

  it.each(INPUTS)('%s: headers with fewer fields keep the same values in the fields they hold', (file) => {
    const bytes = readFileSync(join(FIXTURES, 'perf', file));
    const read = (fields: 'all' | 'time' | 'weight') => {
      const seen: SampleHeader[] = [];
      const s = new StackScanner({ header: (h) => seen.push({ ...h }), sample: () => {}, bad: () => {} }, fields);
      s.push(bytes);
      s.finish();
      return seen;
    };
    const all = read('all');
    const time = read('time');
    const weight = read('weight');
    expect(all.length).toBeGreaterThan(0);
    const kept = (h: SampleHeader, withTime: boolean) => ({ hasTime: h.hasTime, period: h.period, root: h.root, event: h.event, ...(withTime ? { sec: h.sec, ns: h.ns } : {}) });
    expect(time.map((h) => kept(h, true))).toEqual(all.map((h) => kept(h, true)));
    expect(weight.map((h) => kept(h, false))).toEqual(all.map((h) => kept(h, false)));
    // What a header leaves out stays as it was made.
    expect(weight.every((h) => h.sec === 0 && h.ns === 0 && h.line === 0 && h.cpu === -1)).toBe(true);
  });
});
