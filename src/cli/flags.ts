import meow, { type Flag } from "meow";
import { closest } from "../../data/problems.js";
import { UserError } from "../../data/userError.js";
import type { CommandContext } from "./command.js";

type AnyFlag =
  | Flag<"string", string>
  | Flag<"string", string[], true>
  | Flag<"boolean", boolean>
  | Flag<"boolean", boolean[], true>
  | Flag<"number", number>
  | Flag<"number", number[], true>;
export type FlagSpec = Record<string, AnyFlag>;

export interface ParseOptions {
  /** Positional arguments the command accepts (default 0: any is a usage error). */
  maxInput?: number;
  /** Name used in messages, e.g. "config check". */
  command?: string;
}

/**
 * What meow would otherwise read from the package.json nearest this file on every parse: a walk up
 * the disk, then normalize-package-data, whose semver, licence lists and git-host parsers took
 * some 30 ms of a start to load and run. meow uses it only to name the process (`mimik` in ps);
 * the version and help are mimik's own.
 */
const PACKAGE_FACTS = { name: "mimik", bin: { mimik: "dist/bin/mimik.js" } };

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A command's flags, parsed by meow from ctx.argv. Unknown flags, a missing value and stray
 * arguments become UserError(exit 2) with a clear message. meow's own unknown-flag check is not
 * used (allowUnknownFlags is true below) because it prints to the real stderr and calls
 * process.exit, which would bypass the command's streams and the caller's exit-code handling;
 * checkArgs below enforces the same rule first.
 */
export function parseFlags<F extends FlagSpec>(ctx: CommandContext, flags: F, options: ParseOptions = {}) {
  const where = options.command ? `mimik ${options.command}` : "mimik";
  checkArgs(ctx.argv, flags, where, options.maxInput ?? 0);
  let result: ReturnType<typeof meow<F>>;
  try {
    result = meow({
      importMeta: import.meta,
      pkg: PACKAGE_FACTS,
      argv: ctx.argv,
      flags,
      autoHelp: false,
      autoVersion: false,
      allowUnknownFlags: true,
      description: false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const twice = /^The flag --(\S+) can only be set once\.$/.exec(message);
    throw new UserError(
      twice
        ? `${where}: --${twice[1]} was given more than once; give it once (see ${where} --help)`
        : `${where}: ${message}`,
      2,
    );
  }
  for (const [key, spec] of Object.entries(flags)) {
    const value: unknown = result.flags[key];
    if (spec.type === "number" && typeof value === "number" && Number.isNaN(value))
      throw new UserError(`${where}: --${kebab(key)} must be a number`, 2);
  }
  return { input: result.input, flags: result.flags };
}

function checkArgs(argv: readonly string[], flags: FlagSpec, where: string, maxInput: number): void {
  const long = new Map<string, AnyFlag>();
  const short = new Map<string, AnyFlag>();
  for (const [key, spec] of Object.entries(flags)) {
    long.set(kebab(key), spec);
    for (const alias of spec.aliases ?? []) long.set(kebab(alias), spec);
    if (spec.shortFlag) short.set(spec.shortFlag, spec);
  }
  const helpHint = `see ${where} --help`;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") continue;
    const takesValue = (spec: AnyFlag, name: string, inline: string | undefined) => {
      if (spec.type === "boolean") return;
      let value = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("-") && next.length > 1 && Number.isNaN(Number(next))))
          throw new UserError(`${where}: ${name} needs a value (${helpHint})`, 2);
        i++;
        value = next;
      }
      // meow reads "" as absent, so `--config "$UNSET"` would pick the default config's instance.
      if (value === "") throw new UserError(`${where}: ${name} needs a value (${helpHint})`, 2);
      // Number() would take " " as 0 (a random --port), "0x1F90", "1e3", and "Infinity" as null.
      if (spec.type === "number" && !/^-?\d+(\.\d+)?$/.test(value))
        throw new UserError(`${where}: ${name} must be a number`, 2);
    };
    if (arg.startsWith("--")) {
      const [rawName = "", ...rest] = arg.slice(2).split("=");
      const inline = rest.length > 0;
      let spec = long.get(rawName);
      if (!spec && rawName.startsWith("no-")) {
        const negated = long.get(rawName.slice(3));
        if (negated?.type === "boolean" && !inline) spec = negated;
        if (spec) continue;
      }
      if (!spec) {
        const guess = closest(rawName, long.keys());
        const hint = guess ? `; did you mean --${guess}?` : "";
        throw new UserError(`${where}: unknown flag --${rawName}${hint} (${helpHint})`, 2);
      }
      if (inline && spec.type === "boolean") {
        const value = rest.join("=");
        if (value !== "true" && value !== "false")
          throw new UserError(`${where}: --${rawName} is a switch; it takes no value (${helpHint})`, 2);
      }
      takesValue(spec, `--${rawName}`, inline ? rest.join("=") : undefined);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1 && Number.isNaN(Number(arg))) {
      const letters = arg.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j]!;
        const spec = short.get(letter);
        if (!spec) {
          const other = letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
          const hint = short.has(other) ? `; did you mean -${other}?` : "";
          throw new UserError(`${where}: unknown flag -${letter}${hint} (${helpHint})`, 2);
        }
        if (spec.type !== "boolean") {
          // -p8080: the rest is the value
          takesValue(spec, `-${letter}`, j < letters.length - 1 ? letters.slice(j + 1) : undefined);
          break;
        }
      }
      continue;
    }
    positional.push(arg);
  }
  if (positional.length > maxInput) {
    const stray = positional[maxInput]!;
    throw new UserError(
      `${where}: unexpected argument "${stray}"${nameHint(flags, argv, stray)} (${helpHint})`,
      2,
    );
  }
}

/** `mimik lock DEMO2001` is a natural slip: say which flag takes the name. */
function nameHint(flags: FlagSpec, argv: readonly string[], stray: string): string {
  const value = /^[\w.-]+$/.test(stray) ? stray : `"${stray}"`;
  const unused = NAME_FLAGS.filter(
    (name) =>
      flags[name]?.type === "string" && !argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`)),
  );
  if (unused.length === 0) return "";
  return `; to name one, give ${unused.map((name) => `--${name} ${value}`).join(" or ")}`;
}

const NAME_FLAGS = ["follower", "group"] as const;
