/**
 * Defence in depth for invariant 6: whatever a caller hands the journal, a field that is named
 * like a secret never reaches the disk. Matching is by key name, case-insensitive, at any depth.
 */
// apiKey is ProjectX's login secret, as the config's and the text scrubber's lists have it.
const SECRET_KEYS = new Set(["password", "secret", "sec", "token", "accesstoken", "mdaccesstoken", "apikey"]);

/** Their lengths: most keys are told apart by length alone, without a lower-cased copy. */
const SECRET_LENGTHS = new Set([...SECRET_KEYS].map((key) => key.length));

/**
 * Answers already given, by key. Every journal line asks for each of its keys, and the keys are
 * the same few dozen field names line after line: a lower-cased copy of "fillId" or "netLiq" for
 * each line was garbage. Bounded: keys beyond the first thousand (data nobody named in advance)
 * are answered afresh each time.
 */
const answers = new Map<string, boolean>();
const MAX_ANSWERS = 1_000;

export function isSecretKey(key: string): boolean {
  const known = answers.get(key);
  if (known !== undefined) return known;
  const secret = SECRET_LENGTHS.has(key.length) && SECRET_KEYS.has(key.toLowerCase());
  if (answers.size < MAX_ANSWERS) answers.set(key, secret);
  return secret;
}

/** A copy of `value` with every secret-named key removed. Plain data in, plain data out. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isSecretKey(key)) continue;
    out[key] = redactSecrets(inner);
  }
  return out;
}
