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
  /**
   * True for the process's own streams (processIO): a run as a process of its own, whose
   * stdout takes each write before its callback runs. Default: absent (a test's streams).
   */
  processStreams?: boolean;
}
