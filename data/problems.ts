import type { z } from "zod";
import type { JsonSyntaxError } from "./jsonText.js";

/**
 * One thing wrong with a file, said so a trader can fix it: which file, where in it (a JSON
 * path such as groups[0].followers[1].sizing.value, or a line and column for broken JSON),
 * what is wrong, and how to fix it when the message alone does not say.
 */
export interface Problem {
  file: string;
  /** JSON path of the offending field; "" for the file as a whole. */
  path: string;
  message: string;
  fix?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

export type PathSegment = PropertyKey;

/** ["groups", 0, "followers", 1, "sizing"] → groups[0].followers[1].sizing */
export function jsonPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * One problem per line: `file:line:col: message` (broken JSON), `file:line: path: message (fix)`
 * (a field, placed), or `file: path: message (fix)`.
 */
export function formatProblem(p: Problem): string {
  const where =
    p.line !== undefined
      ? p.path
        ? `${p.file}:${p.line}: ${p.path}`
        : `${p.file}:${p.line}:${p.column ?? 1}`
      : p.path
        ? `${p.file}: ${p.path}`
        : p.file;
  return `${where}: ${p.message}${p.fix ? ` (${p.fix})` : ""}`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join("\n");
}

export function syntaxProblem(file: string, error: JsonSyntaxError): Problem {
  return {
    file,
    path: "",
    line: error.line,
    column: error.column,
    message: `not valid JSON: ${error.message}`,
  };
}

export function missingFileProblem(file: string, fix: string): Problem {
  return { file, path: "", message: "file not found", fix };
}

export function newerVersionProblem(file: string, found: number, supported: number): Problem {
  return {
    file,
    path: "version",
    message: `written by a newer mimik (version ${found}; this mimik reads version ${supported})`,
    fix: "upgrade mimik",
  };
}

export function unreadableProblem(file: string, error: unknown): Problem {
  const code = (error as { code?: unknown } | null)?.code;
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EISDIR"
        ? "it is a directory, not a file"
        : typeof code === "string"
          ? code
          : "unreadable";
  return { file, path: "", message: `cannot read the file: ${why}` };
}

// ---------------------------------------------------------------------------------------------
// zod issues → problems

/** Describes a JSON value's kind, never its content (the value might be a pasted password). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      return Number.isInteger(value) ? "a whole number" : "a number";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: "text in double quotes",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list [ … ]",
  object: "an object { … }",
  null: "null",
};

/**
 * Per-parse zod error map: the fallback wording for every issue the schema did not word itself
 * (schema messages such as "must have at most 3 decimals" take precedence over this).
 */
export const friendlyErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `is missing; it must be ${expected}`;
      return `must be ${expected}, not ${describeValue(issue.input)}`;
    }
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "string")
        return min === "1" ? "must not be empty" : `must be at least ${min} characters`;
      if (issue.origin === "array") return `needs at least ${min} entries`;
      return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "string") return `must be at most ${max} characters`;
      if (issue.origin === "array") return `may have at most ${max} entries`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.format === "url" ? "must be a URL such as http://127.0.0.1:8080" : "has the wrong format";
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
};

/** Keys whose values are secrets or say where secrets come from; never echo their content. */
const SECRET_KEYS = new Set([
  "password",
  "secret",
  "token",
  "accessToken",
  "apiKey",
  "sec",
  // Notification targets: a URL or topic that holds a secret.
  "urlSecret",
  "topicSecret",
]);

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment as string];
  }
  return node;
}

interface SchemaNode {
  _zod: { def: Record<string, unknown> & { type: string } };
}

function isSchema(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/** The object schemas that may sit at `path` (unions give several); used to suggest spellings. */
function objectFieldsAt(schema: unknown, path: readonly PathSegment[]): Set<string> {
  const fields = new Set<string>();
  const visit = (node: unknown, rest: readonly PathSegment[]): void => {
    if (!isSchema(node)) return;
    const def = node._zod.def;
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "catch":
      case "readonly":
      case "nonoptional": {
        visit(def.innerType, rest);
        return;
      }
      case "pipe": {
        visit(def.in, rest);
        return;
      }
      case "union":
        for (const option of (def.options as unknown[]) ?? []) visit(option, rest);
        return;
      case "array":
        if (rest.length > 0) visit(def.element, rest.slice(1));
        return;
      case "object": {
        const shape = (def.shape ?? {}) as Record<string, unknown>;
        if (rest.length === 0) for (const key of Object.keys(shape)) fields.add(key);
        else visit(shape[String(rest[0])], rest.slice(1));
        return;
      }
      default:
        return;
    }
  };
  visit(schema, path);
  return fields;
}

function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length]!;
}

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

const SECRET_SOURCE_HELP =
  'must say where the secret comes from: {"env": "VARIABLE_NAME"} or {"file": "/path/to/credentials.json", "key": "name"}; never put the secret itself in the config';

/**
 * zod issues → problems. `input` is the parsed JSON (to look values up by path), `schema` the
 * schema it was checked against (to suggest the right spelling of an unknown field).
 */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  file: string,
  input: unknown,
  schema: unknown,
  prefix: readonly PathSegment[] = [],
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const last = path[path.length - 1];
    const secretPlace = path.some((s) => typeof s === "string" && SECRET_KEYS.has(s));
    if (issue.code === "unrecognized_keys") {
      const known = objectFieldsAt(schema, path);
      for (const key of issue.keys) {
        const guess = closest(key, known);
        problems.push({
          file,
          path: jsonPath([...path, key]),
          message: `unknown field "${key}"`,
          fix: guess ? `did you mean "${guess}"? otherwise remove it` : "remove it, or check its spelling",
        });
      }
      continue;
    }
    if (issue.code === "invalid_union") {
      if (typeof last === "string" && SECRET_KEYS.has(last)) {
        problems.push({ file, path: jsonPath(path), message: SECRET_SOURCE_HELP });
        continue;
      }
      const discriminator = (issue as { discriminator?: unknown }).discriminator;
      if (typeof discriminator === "string" || issue.errors.length === 0) {
        const value = valueAt(input, path);
        problems.push({
          file,
          path: jsonPath(path),
          message:
            value === undefined
              ? "is missing"
              : `${describeValue(value) === "text" && !secretPlace ? JSON.stringify(value) : describeValue(value)} is not one of the allowed choices`,
          fix: unionChoices(schema, path.slice(0, -1), typeof last === "string" ? last : undefined),
        });
        continue;
      }
      // A plain union: explain the alternative that came closest (fewest issues).
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      problems.push(...problemsFromZod(best, file, input, schema, path));
      continue;
    }
    const value = valueAt(input, path);
    const shown =
      !secretPlace && typeof value === "string" && value.length <= 40 && issue.code === "custom"
        ? `"${value}" ${issue.message}`
        : issue.message;
    const missing = issue.code === "invalid_type" && value === undefined;
    problems.push({
      file,
      path: jsonPath(path),
      message: shown,
      fix: missing && typeof last === "string" ? `add "${last}"` : undefined,
    });
  }
  return problems;
}

/** For a discriminated union: `use "mode": "multiplier" or "fixed"`. */
function unionChoices(
  schema: unknown,
  parent: readonly PathSegment[],
  key: string | undefined,
): string | undefined {
  if (!key) return undefined;
  const values = new Set<string>();
  const collect = (node: unknown, rest: readonly PathSegment[]): void => {
    if (!isSchema(node)) return;
    const def = node._zod.def;
    if (["optional", "nullable", "default", "prefault", "catch", "readonly"].includes(def.type)) {
      collect(def.innerType, rest);
      return;
    }
    if (def.type === "pipe") {
      collect(def.in, rest);
      return;
    }
    if (def.type === "array") {
      if (rest.length > 0) collect(def.element, rest.slice(1));
      return;
    }
    if (def.type === "union") {
      for (const o of (def.options as unknown[]) ?? []) collect(o, rest);
      return;
    }
    if (def.type === "object") {
      const shape = (def.shape ?? {}) as Record<string, unknown>;
      if (rest.length > 0) {
        collect(shape[String(rest[0])], rest.slice(1));
        return;
      }
      // An optional literal is still a choice (a connection's "broker" is "tradovate" when absent).
      let field = shape[key];
      while (isSchema(field) && field._zod.def.type === "optional") field = field._zod.def.innerType;
      if (isSchema(field) && field._zod.def.type === "literal")
        for (const v of (field._zod.def.values as unknown[]) ?? []) values.add(JSON.stringify(v));
    }
  };
  collect(schema, parent);
  return values.size > 0 ? `use "${key}": ${[...values].join(" or ")}` : undefined;
}
