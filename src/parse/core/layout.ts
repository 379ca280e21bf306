// The record layout and the byte constants of the core (see scan.ts).

// --- record layout (keep in step with src/parse/perf-script.ts) ------------------------

/** Int32 slots per record; records start on 8-byte boundaries (f64 slots). */
export const REC: i32 = 28;

export const K_HEADER: i32 = 1;
export const K_FRAME: i32 = 2;
export const K_SRCLINE: i32 = 3;
export const K_END: i32 = 4;
export const K_OTHER: i32 = 5;
export const K_COMMENT: i32 = 6;
export const K_BLANK: i32 = 7;
export const K_BAD: i32 = 8;
export const K_SAMPLE: i32 = 9; // stacks mode: a sample ended, slot 6 holds its stack id

// Header flags.
export const F_TIME: i32 = 1;
export const F_PERIOD: i32 = 2;
export const F_SEC_BIG: i32 = 4; // more than 15 digits of seconds: JavaScript parses them
export const F_PERIOD_BIG: i32 = 8; // more than 15 digits of period: JavaScript parses them
export const F_CPU_BIG: i32 = 16;
export const F_HEADER_FRAME: i32 = 32; // a frame is printed on the header line (it is the stack's first)

// Bad line reasons.
export const R_NOT_FRAME: i32 = 0;
export const R_OUTSIDE: i32 = 1;
export const R_NOT_PERF: i32 = 2;

export const SP: i32 = 32;
export const TAB: i32 = 9;
export const CR: i32 = 13;
export const LF: i32 = 10;
export const COLON: i32 = 58;
export const HASH: i32 = 35;
export const SLASH: i32 = 47;
export const DOT: i32 = 46;
export const LPAREN: i32 = 40;
export const RPAREN: i32 = 41;
export const LBRACK: i32 = 91;
export const RBRACK: i32 = 93;
