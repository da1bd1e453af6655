/**
 * No secret leaves the broker layer (issue 13 #5, design.md §4 invariant 6). A broker or proxy
 * error that echoes the login body would otherwise carry the password into an error text, and
 * from there to the screen, stdout and the hash-chained journal, where it can never be scrubbed.
 * Every text the broker layer hands out (connection reasons, alerts, order failure texts, log
 * lines) passes through here: the login's known secret values are replaced wherever they appear,
 * and so is any value of a password-, secret-, sec- or token-named field.
 */
import type { Logger } from "../types.js";

export const REDACTED = "[redacted]";

/** Values shorter than this are not searched for (they would blank ordinary words). */
const MIN_SECRET = 5;
/** Tokens rotate on every renewal; the last few are enough (older ones are dead). */
const TOKENS_KEPT = 6;

const NAME = "(?:[A-Za-z_-]*(?:password|passwd|secret|token)[A-Za-z_-]*|sec|pwd|p-ticket)";
/** "password": "…" in JSON. */
const JSON_FIELD = new RegExp(String.raw`("${NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"`, "gi");
/** The same inside a JSON-encoded string: \"password\":\"…\". */
const ESCAPED_FIELD = new RegExp(String.raw`(\\"${NAME}\\"\s*:\s*)\\"(?:[^\\]|\\(?!"))*\\"`, "gi");
/** password=…, sec=… in a query or form body. */
const FORM_FIELD = new RegExp(String.raw`(\b${NAME}=)[^&\s"',;]+`, "gi");
/** Authorization: Bearer … */
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

export class Redactor {
  private readonly secrets = new Set<string>();
  private tokens: string[] = [];

  constructor(secrets: Array<string | undefined> = []) {
    for (const s of secrets) this.addSecret(s);
  }

  addSecret(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET) this.secrets.add(value);
  }

  /** A token in use now (access or market data); older ones are forgotten after a while. */
  addToken(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET || this.tokens.includes(value)) return;
    this.tokens.push(value);
    if (this.tokens.length > TOKENS_KEPT) this.tokens.shift();
  }

  text(input: string): string {
    let out = input
      .replace(JSON_FIELD, `$1"${REDACTED}"`)
      .replace(ESCAPED_FIELD, `$1\\"${REDACTED}\\"`)
      .replace(FORM_FIELD, `$1${REDACTED}`)
      .replace(BEARER, `$1${REDACTED}`);
    // Longest first, so a secret that contains another is replaced whole.
    const values = [...this.secrets, ...this.tokens].sort((a, b) => b.length - a.length);
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A copy of log data with every string redacted and secret-named keys blanked. */
  data(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.text(value);
    if (depth > 5 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.data(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = new RegExp(`^${NAME}$`, "i").test(key) ? REDACTED : this.data(inner, depth + 1);
    }
    return out;
  }
}

/** A logger whose every line is redacted before it reaches `logger`. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const wrap =
    (fn: (message: string, data?: Record<string, unknown>) => void) =>
    (message: string, data?: Record<string, unknown>) =>
      fn(
        redactor.text(message),
        data === undefined ? undefined : (redactor.data(data) as Record<string, unknown>),
      );
  return {
    info: wrap(logger.info.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    error: wrap(logger.error.bind(logger)),
  };
}
