import { type NotificationTarget, urlProblem } from "../../data/notifications.js";
import { jsonPath, type Problem } from "../../data/problems.js";
import type { Config, SecretSource } from "../../data/schema.js";
import { describeSecretSource, resolveSecret, SecretError } from "../../data/secrets.js";

/**
 * A notification target's secrets, read from their sources on the main thread (like the broker
 * passwords) and handed to the engine's thread. A target whose secret cannot be read is kept with
 * the reason, so the running instance can say on screen why it sends nothing instead of refusing
 * to start: a missing phone token must not stop the copier.
 */

export interface TargetSecrets {
  /** From urlSecret. */
  url?: string | undefined;
  token?: string | undefined;
  /** From topicSecret. */
  topic?: string | undefined;
}

export type ResolvedTarget = { ok: true; secrets: TargetSecrets } | { ok: false; problem: string };

/** By target name. */
export type ResolvedTargets = Record<string, ResolvedTarget>;

type Field = "urlSecret" | "token" | "topicSecret";
const INTO: Record<Field, keyof TargetSecrets> = { urlSecret: "url", token: "token", topicSecret: "topic" };

/** The secret sources a target names, by config field. */
export function secretFields(target: NotificationTarget): [Field, SecretSource][] {
  const out: [Field, SecretSource][] = [];
  if ("urlSecret" in target && target.urlSecret) out.push(["urlSecret", target.urlSecret]);
  if ("token" in target && target.token) out.push(["token", target.token]);
  if ("topicSecret" in target && target.topicSecret) out.push(["topicSecret", target.topicSecret]);
  return out;
}

/** What a secret's value must look like; the message names the source, never the value. */
function checkValue(field: Field, source: SecretSource, value: string): string | undefined {
  // Trimmed to nothing, a token would go out empty (Telegram's /bot/sendMessage, no Bearer at all).
  if (value.trim() === "") return `${describeSecretSource(source)} holds only blanks`;
  const badUrl = field === "urlSecret" ? urlProblem(value.trim()) : undefined;
  if (badUrl) return `the URL in ${describeSecretSource(source)} ${badUrl}`;
  // fetch cannot write such a header (the Bearer), and a URL drops it silently (Telegram's bot path).
  if (field === "token" && /[\u0000-\u001f\u007f]/.test(value.trim()))
    return `the token in ${describeSecretSource(source)} holds a line break, a tab or another control character`;
  if (field === "topicSecret" && !/^[A-Za-z0-9_-]{1,64}$/.test(value.trim()))
    return `the topic in ${describeSecretSource(source)} must be 1-64 letters, digits, - or _`;
  return undefined;
}

async function resolveField(
  field: Field,
  source: SecretSource,
  env: NodeJS.ProcessEnv,
): Promise<{ value: string } | { problem: string; fix?: string | undefined }> {
  try {
    const value = await resolveSecret(source, { env });
    const problem = checkValue(field, source, value);
    return problem ? { problem } : { value: value.trim() };
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    return { problem: error.message, fix: error.fix };
  }
}

export async function resolveTargetSecrets(config: Config, env: NodeJS.ProcessEnv): Promise<ResolvedTargets> {
  const out: ResolvedTargets = {};
  for (const target of config.notifications?.targets ?? []) {
    const secrets: TargetSecrets = {};
    let problem: string | undefined;
    for (const [field, source] of secretFields(target)) {
      const result = await resolveField(field, source, env);
      if ("problem" in result) {
        problem = `${result.problem}${result.fix ? ` (${result.fix})` : ""}`;
        break;
      }
      secrets[INTO[field]] = result.value;
    }
    out[target.name] = problem === undefined ? { ok: true, secrets } : { ok: false, problem };
  }
  return out;
}

/** For `mimik config check`: every target secret that cannot be read, at its place in the file. */
export async function targetSecretProblems(
  config: Config,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const [i, target] of (config.notifications?.targets ?? []).entries()) {
    for (const [field, source] of secretFields(target)) {
      const result = await resolveField(field, source, env);
      if ("problem" in result)
        problems.push({
          file,
          path: jsonPath(["notifications", "targets", i, field]),
          message: `notification target "${target.name}": ${result.problem}`,
          fix: result.fix,
        });
    }
  }
  return problems;
}

/**
 * Every secret value, for the scrubber that keeps them out of the journal, the screen and stdout.
 * A secret URL's token is in its path or query, and a service's error reply may echo only that
 * part: its path and query, and each long segment of them, count as secrets too.
 */
export function targetSecretValues(targets: ResolvedTargets): string[] {
  return Object.values(targets).flatMap((t) => {
    if (!t.ok) return [];
    const { url, token, topic } = t.secrets;
    return [url, token, topic, ...(url ? urlParts(url) : [])].filter((s): s is string => s !== undefined);
  });
}

/** Segments shorter than this are words such as "api" or "webhooks", not tokens. */
const MIN_TOKEN_PART = 12;

/** The URL parser keeps a "%" that is no escape as it is, which decodeURIComponent throws on. */
function decodedOrRaw(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function urlParts(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  const pieces = [...url.pathname.split("/").map(decodedOrRaw), ...[...url.searchParams.values()]];
  return [`${url.pathname}${url.search}`, ...pieces].filter((p) => p.length >= MIN_TOKEN_PART);
}

/** Removes the environment variables that held target secrets once they are read (as for passwords). */
export function forgetTargetSecretEnv(config: Config, env: NodeJS.ProcessEnv): void {
  for (const target of config.notifications?.targets ?? [])
    for (const [, source] of secretFields(target)) if ("env" in source) delete env[source.env];
}
