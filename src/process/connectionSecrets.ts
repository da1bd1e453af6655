import { type Config, secretSourcesOf } from "../../data/schema.js";
import { resolveSecret } from "../../data/secrets.js";

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
    config.connections.map(async (c) => {
      const values: Record<string, string> = {};
      for (const [field, source] of secretSourcesOf(c)) values[field] = await resolveSecret(source, { env });
      return [c.name, values] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Every secret value of the logins, to cut out of anything that leaves. */
export function secretValues(secrets: ConnectionSecrets): string[] {
  return Object.values(secrets).flatMap((s) => Object.values(s));
}

/**
 * Removes the environment variables that held secrets, once they are read: nothing in this process
 * (an inspector, a crash dump, a child process) can find them there afterwards.
 */
export function forgetSecretEnv(config: Config, env: NodeJS.ProcessEnv): void {
  for (const c of config.connections)
    for (const [, source] of secretSourcesOf(c)) if ("env" in source) delete env[source.env];
}
