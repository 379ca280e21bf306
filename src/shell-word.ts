// A word as a POSIX shell reads it back: as it is when it holds only safe characters,
// else in single quotes. One module for Node (messages that print a command to run) and the
// heat-map page (the reproduce command it prints), so both quote alike. No imports: the
// viewer bundle takes it as it is.
//   perf.data        -> perf.data
//   my data/x.txt    -> 'my data/x.txt'
//   it's             -> 'it'\''s'

/** `word` quoted for a POSIX shell where it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
