import { readFile } from "node:fs/promises";
import { locateJsonPath } from "./jsonLocate.js";
import { parseJson } from "./jsonText.js";
import {
  friendlyErrors,
  missingFileProblem,
  newerVersionProblem,
  type Problem,
  problemsFromZod,
  syntaxProblem,
  unreadableProblem,
} from "./problems.js";
import { CONFIG_VERSION, type Config, canonicalAccounts, configSchema } from "./schema.js";

/** Why a config could not be used: the CLI and the UI react differently to each. */
export type ConfigErrorKind = "missing" | "unreadable" | "syntax" | "newer" | "invalid";

export type ConfigCheck =
  | { ok: true; config: Config }
  | { ok: false; kind: ConfigErrorKind; problems: Problem[] };

/** A config that cannot be used, with every problem found. `message` is the printable list. */
export class ConfigError extends Error {
  constructor(
    readonly kind: ConfigErrorKind,
    readonly problems: Problem[],
  ) {
    super(problems.map((p) => `${p.path ? `${p.path}: ` : ""}${p.message}`).join("; "));
    this.name = "ConfigError";
  }
}

export const MISSING_CONFIG_FIX =
  "copy data/examples/config.example.json there, or pass --config FILE, or set MIMIK_CONFIG";

/** Validate already-parsed JSON: version first (a newer file's shape is not ours to judge), then the schema. */
export function validateConfigValue(value: unknown, file: string): ConfigCheck {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return {
      ok: false,
      kind: "invalid",
      problems: [{ file, path: "", message: 'must hold a JSON object such as { "version": 1, … }' }],
    };
  const version = (value as { version?: unknown }).version;
  if (typeof version === "number" && version > CONFIG_VERSION)
    return { ok: false, kind: "newer", problems: [newerVersionProblem(file, version, CONFIG_VERSION)] };
  if (version === undefined)
    return {
      ok: false,
      kind: "invalid",
      problems: [
        { file, path: "version", message: "is missing", fix: `add "version": ${CONFIG_VERSION} at the top` },
      ],
    };
  // Version 1 is the only format so far; a migration from N to N+1 would run here, before the schema.
  const result = configSchema.safeParse(value, { error: friendlyErrors });
  if (result.success) return { ok: true, config: canonicalAccounts(result.data) };
  return {
    ok: false,
    kind: "invalid",
    problems: problemsFromZod(result.error.issues, file, value, configSchema),
  };
}

export function validateConfigText(text: string, file: string): ConfigCheck {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, kind: "syntax", problems: [syntaxProblem(file, parsed.error)] };
  const check = validateConfigValue(parsed.value, file);
  if (check.ok || check.kind !== "invalid") return check;
  // A JSON path alone leaves the trader counting braces in a long file: the line says where.
  return { ...check, problems: check.problems.map((p) => withLine(p, text)) };
}

function withLine(problem: Problem, text: string): Problem {
  if (!problem.path || problem.line !== undefined) return problem;
  const at = locateJsonPath(text, problem.path);
  return at ? { ...problem, line: at.line } : problem;
}

/** Read and validate a config file. `display` is how to name the file in messages (default: path). */
export async function checkConfigFile(path: string, display = path): Promise<ConfigCheck> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT")
      return { ok: false, kind: "missing", problems: [missingFileProblem(display, MISSING_CONFIG_FIX)] };
    return { ok: false, kind: "unreadable", problems: [unreadableProblem(display, error)] };
  }
  return validateConfigText(text, display);
}
