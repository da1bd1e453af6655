import { type Config, type Connection, secretSourcesOf } from "../../data/schema.js";
import { resolveSecret, SecretError } from "../../data/secrets.js";
import { loginSettings } from "../../engine/index.js";

/** Does a config need the embedded simulator? */
export function needsEmbeddedSim(config: Config): boolean {
  return config.connections.some((c) => c.env === "sim" && !c.url);
}

/**
 * Each login's resolved secrets, by connection name, under their config field names (Tradovate:
 * password and secret; ProjectX: apiKey). Read once, kept nowhere but the sessions.
 */
export type ConnectionSecrets = Record<string, Record<string, string>>;

/** Reads every connection's secrets from their sources: env or a 0600 file. */
export async function resolveSecrets(config: Config, env: NodeJS.ProcessEnv): Promise<ConnectionSecrets> {
  const entries = await Promise.all(
    config.connections.map(async (c) => [c.name, await loginSecrets(c, env)] as const),
  );
  return Object.fromEntries(entries);
}

/** One login's secrets, under their config field names. */
export async function loginSecrets(c: Connection, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [field, source] of secretSourcesOf(c)) values[field] = await resolveSecret(source, { env });
  return values;
}

/**
 * A login's connection settings (its name, where its secrets come from, who logs in and where):
 * secrets read for one stand for the other only when all are the same. A login taken out and
 * put back as it was keeps them; one edited in any of them (a username, the demo moved to live,
 * another variable) is read anew, as the start reads it.
 */
export function secretKey(c: Connection): string {
  return loginSettings(c);
}

/**
 * The secrets of logins added to the config while mimik runs, or whose settings changed, read on
 * the main thread as at the start, for the engine's thread: each login's by name with the key
 * (secretKey) they were read for, or why they could not be read.
 */
export interface AddedSecrets {
  read: Record<string, { key: string; values: Record<string, string> }>;
  unread: Record<string, { key: string; problem: string }>;
}

/** What a failed read says: a SecretError with its fix, as at the start. */
export function secretProblem(error: unknown): string {
  if (error instanceof SecretError) return `${error.message}${error.fix ? ` (${error.fix})` : ""}`;
  return error instanceof Error ? error.message : String(error);
}

/** Every secret value of the logins, to cut out of anything that leaves. */
export function secretValues(secrets: ConnectionSecrets): string[] {
  return Object.values(secrets).flatMap((s) => Object.values(s));
}

/**
 * Removes the environment variables that held secrets, once they are read: nothing in this process
 * (an inspector, a crash dump, a child process) can find them there afterwards.
 */
export function forgetSecretEnv(config: Pick<Config, "connections">, env: NodeJS.ProcessEnv): void {
  for (const c of config.connections)
    for (const [, source] of secretSourcesOf(c)) if ("env" in source) delete env[source.env];
}
