// The streams a tool runs against. The CLI edge passes the process's (processIO in
// src/cli.ts); tests pass their own.
import type { Readable } from 'node:stream';

/**
 * What the tools ask of stdout and stderr: a Writable's writes, events and state. node's own
 * stream (a terminal, /dev/null), FdWriter (a pipe, socket or file: src/runtime/fd-io.ts) or
 * any Writable (tests).
 */
export interface OutStream {
  write(chunk: string | Uint8Array, cb?: (e?: Error | null) => void): boolean;
  on(event: string, listener: (e: Error) => void): unknown;
  off(event: string, listener: (e: Error) => void): unknown;
  readonly writableLength: number;
  readonly destroyed: boolean;
  readonly writable: boolean;
  readonly errored: Error | null;
  isTTY?: boolean;
  columns?: number;
}

/** The streams a tool runs against; tests pass their own. */
export interface IO {
  stdin: Readable & { isTTY?: boolean };
  stdout: OutStream;
  stderr: OutStream;
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
