// Errors that end a run, and their exit codes. The CLI edge (src/cli.ts, runMain) maps
// them to a message and a status; cores throw them without touching process state.
//   exit 0  success (EPIPE included)     exit 1  DataError, OutputError     exit 2  UsageError
export const EXIT_OK = 0;
/** Bad data or an I/O error. */
export const EXIT_DATA = 1;
/** Bad usage: unknown option, malformed option value, missing argument. */
export const EXIT_USAGE = 2;

/** A usage error: printed with the usage line, exit 2. */
export class UsageError extends Error {}

/** Bad data or an I/O failure that ends the run: exit 1. `where` is `FILE` or `FILE:LINE`. */
export class DataError extends Error {
  constructor(message: string, readonly where?: string) {
    super(message);
  }
}

/** Thrown by the output sink when the reader went away (EPIPE): a quiet, successful end. */
export class BrokenPipe extends Error {}

/** Writing stdout failed (a full disk, say): exit 1, and runMain says so once. */
export class OutputError extends DataError {}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'EIO':
      return 'input/output error';
    default:
      return (e as Error)?.message ?? String(e);
  }
}

/** The one message for a failed write to stdout. */
export function writeFailure(e: unknown): string {
  return `cannot write output: ${describeFsError(e)}`;
}

/** A closed pipe, in the forms a stream reports it. */
export function isBrokenPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

