// Loads the WebAssembly core (src/parse/core/, built into dist/parse/core.wasm by
// `npm run build:core`): compiled once per process (per worker thread), synchronously, the
// first time a scanner needs it. Each scanner gets an instance of its own (a few
// microseconds: the module is small), because the core keeps its scan state in globals.
//
// The module imports nothing: it is built with `--use abort=`, so that AssemblyScript's one
// abort call (an allocation over 1 GiB) traps like a failed memory.grow already did, and
// there is no import for V8 to compile a JavaScript-to-WebAssembly wrapper for at each
// start (with the TurboFan pipeline: the compile took 3.6-5.0 ms with the import, 1.9-2.5
// without). A trap reaches the tools as a WebAssembly.RuntimeError (src/cli.ts).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The functions the core exports (see src/parse/core/scan.ts). */
export interface CoreExports {
  memory: { buffer: ArrayBuffer };
  inputArea(size: number): number;
  expectInput(mib: number): void;
  outputArea(): number;
  configure(frames: number, srcline: number, headersOnly: number, memo: number, stacks: number): void;
  tableSize(t: number): number;
  tableEntries(t: number): number;
  tableArena(t: number): number;
  scan(len: number): number;
  finish(): number;
  getLineNo(): number;
  setLineNo(n: number): void;
  getInSample(): number;
  forgetLines(): void;
}

// The few WebAssembly types used here (lib.dom is not in this Node-only build).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

let compiled: object | null = null;

/** Where the .wasm is: beside this module in dist/, or in dist/ when run from src/ (tests). */
function wasmPath(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [`${here}core.wasm`, `${here}../../dist/parse/core.wasm`];
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`the WebAssembly core is not built (looked for ${candidates.join(', ')}); run npm run build`);
}

/**
 * Compiles the core now, if it is not yet: for a tool that is about to wait for its input
 * (stdin from the tool before it in a pipeline), so that the compile (~4 ms, most of it
 * V8 setting up WebAssembly for the process) overlaps the wait instead of following it.
 */
export function compileCore(): void {
  compiled ??= new WebAssembly.Module(readFileSync(wasmPath()));
}

/** A fresh instance of the core. */
export function instantiateCore(): CoreExports {
  compiled ??= new WebAssembly.Module(readFileSync(wasmPath()));
  const instance = new WebAssembly.Instance(compiled, {});
  return instance.exports as unknown as CoreExports;
}
