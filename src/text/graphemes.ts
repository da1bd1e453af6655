/**
 * What can join a neighbour into one grapheme: marks and other extenders, format characters
 * (ZWJ among them), controls (escape sequences among them), Hangul jamo, anything beyond the
 * Basic Multilingual Plane (emoji among it) or half of it, and the few letters Unicode makes a
 * prepend or a spacing mark.
 */
const JOINERS =
  /[\p{M}\p{Grapheme_Extend}\p{Cf}\p{Cc}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\ud800-\udfff\u{10000}-\u{10ffff}\u0d4e\u0e33\u0eb3]/u;

/**
 * Whether each character of `text` is a grapheme of its own, so that it can be measured and cut
 * character by character, without Intl.Segmenter (which costs an object per grapheme). The tests
 * of its users try every character of the Basic Multilingual Plane against the segmenter's answer.
 */
export function oneGraphemePerChar(text: string): boolean {
  return !JOINERS.test(text);
}
