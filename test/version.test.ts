import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { ROOT, spawnBin } from './helpers.js';

it('src/version.ts matches package.json, and --version prints it', async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(VERSION).toBe(pkg.version);
  const r = await spawnBin('stackcollapse', ['--version']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout.toString().trim()).toBe(pkg.version);
});
