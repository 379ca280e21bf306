// The words of every count a tool reports, in one place, so that the tools (and docs/)
// say the same thing the same way:
// - read:        samples (or lines) the input held;
// - kept:        samples that count toward the output;
// - idle:        samples of an idle CPU, left out by design (heatmap-svg);
// - other event: samples of another event than the one kept;
// - malformed:   lines that are not what the input should hold: "ignored", with the first place;
// - left out:    samples that were read but count nowhere, always with why.
// Lines are "ignored"; samples are "left out". Each message is a named function.
//   stackcollapse: warning: ignored 3 lines: not a frame line (first at stdin:1207: "foo bar")
//   stackcollapse: warning: kept events of type cycles; left out 2 samples of other types (instructions); choose with --event-filter
//   stackcollapse: warning: left out 4 samples before the first timestamp: no window holds them

/** `1 sample`, `3 samples`: a count and its noun. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** Malformed lines of one kind: `ignored 3 lines: not a frame line`. */
export function ignoredLines(n: number, reason: string): string {
  return `ignored ${countOf(n, 'line')}: ${reason}`;
}

/** Samples read but counted nowhere, and why: `left out 4 samples before the first timestamp`. */
export function leftOut(n: number, why: string, noun = 'sample'): string {
  return `left out ${countOf(n, noun)} ${why}`;
}

/**
 * Samples of other events than the kept one: `kept events of type cycles; left out 2
 * samples of other types (instructions)`, and how to choose when the tool chose.
 */
export function otherEvents(kept: string, n: number, names: string[], chosen: boolean): string {
  return `kept events of type ${kept}; ${leftOut(n, `of other types (${names.join(', ')})`)}` + (chosen ? '' : '; choose with --event-filter');
}

/** No sample at all in a valid input. */
export const NO_SAMPLES = 'no samples in input';
