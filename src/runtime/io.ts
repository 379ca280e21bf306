// The streams a tool runs against. The CLI edge passes the process's (processIO in
// src/cli.ts); tests pass their own.
import type { Readable, Writable } from 'node:stream';

/** The streams a tool runs against; tests pass their own. */
export interface IO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /**
   * The descriptor of `stdin` when it is the process's own (0), so that range-perf can read
   * a file redirected to it at any offset. Absent for tests' streams.
   */
  stdinFd?: number;
}
