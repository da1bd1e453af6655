import { readFile, stat } from "node:fs/promises";
import { parseJson } from "./jsonText.js";
import type { SecretSource } from "./schema.js";

/**
 * Secrets come from the environment or from a credentials file (a JSON object of name → secret,
 * mode 0600). Nothing here ever puts a secret into an error message: errors name the variable,
 * the file and the entry, never the value or the file's content.
 */
export class SecretError extends Error {
  constructor(
    message: string,
    readonly fix?: string | undefined,
  ) {
    super(message);
    this.name = "SecretError";
  }
}

export interface SecretContext {
  /** Environment to read `{env}` sources from (default: process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Skip the 0600 check (Windows has no Unix modes). Default: on for every platform but win32. */
  checkMode?: boolean | undefined;
}

/** Human description of where a secret comes from, safe to print. */
export function describeSecretSource(source: SecretSource): string {
  return "env" in source
    ? `environment variable ${source.env}`
    : `entry "${source.key}" of credentials file ${source.file}`;
}

/** The secret, or a SecretError saying exactly what to fix. */
export async function resolveSecret(source: SecretSource, context: SecretContext = {}): Promise<string> {
  if ("env" in source) {
    const value = (context.env ?? process.env)[source.env];
    if (value === undefined || value === "")
      throw new SecretError(
        `environment variable ${source.env} is not set`,
        `export ${source.env}=… before starting mimik`,
      );
    return value;
  }
  const credentials = await readCredentialsFile(source.file, context);
  const value = credentials[source.key];
  if (value === undefined)
    throw new SecretError(
      `credentials file ${source.file} has no entry "${source.key}"`,
      `add "${source.key}": "…" to it${Object.keys(credentials).length ? ` (it has: ${Object.keys(credentials).join(", ")})` : ""}`,
    );
  if (typeof value !== "string" || value === "")
    throw new SecretError(
      `entry "${source.key}" in credentials file ${source.file} must be non-empty text`,
      `write it as "${source.key}": "…"`,
    );
  return value;
}

async function readCredentialsFile(file: string, context: SecretContext): Promise<Record<string, unknown>> {
  let mode: number;
  try {
    mode = (await stat(file)).mode & 0o777;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT")
      throw new SecretError(
        `credentials file ${file} does not exist`,
        "create it, or fix the path in the config",
      );
    throw new SecretError(`cannot read credentials file ${file} (${String(code ?? "error")})`);
  }
  if ((context.checkMode ?? process.platform !== "win32") && (mode & 0o077) !== 0)
    throw new SecretError(
      `credentials file ${file} can be read by other users (mode ${mode.toString(8).padStart(4, "0")})`,
      `chmod 600 ${file}`,
    );
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new SecretError(
      `cannot read credentials file ${file} (${String((error as { code?: unknown }).code)})`,
    );
  }
  const parsed = parseJson(text);
  // Line and column only: the parser's words never quote the content, which may be a secret.
  if (!parsed.ok)
    throw new SecretError(
      `credentials file ${file} is not valid JSON (line ${parsed.error.line}, column ${parsed.error.column})`,
      'it must hold an object such as { "sim": "password" }',
    );
  if (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value))
    throw new SecretError(
      `credentials file ${file} must hold a JSON object of name → secret`,
      'write it as { "sim": "password" }',
    );
  return parsed.value as Record<string, unknown>;
}

/** Secret fields as they appear in Tradovate requests and replies. */
const SECRET_FIELD =
  /("(?:password|sec|secret|accessToken|mdAccessToken|token|apiKey)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;

/**
 * Scrub secrets from text meant for a log, the journal or the screen: every known secret value,
 * and the value of any JSON field named like a secret (password, sec, accessToken, …).
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(
    SECRET_FIELD,
    (_m, open: string, _value: string, close: string) => `${open}***${close}`,
  );
  const values = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  for (const secret of values) out = out.split(secret).join("***");
  return out;
}
