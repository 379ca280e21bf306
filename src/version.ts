// The package version, compiled in so that `--version` reads no file at start-up.
// test/version.test.ts keeps it equal to package.json's.
export const VERSION = '0.1.0';
