import { tmpdir } from "node:os";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import envPaths from "env-paths";

export type ConfigPathSource = "flag" | "env" | "default";

export interface ConfigPathChoice {
  /** Absolute path. */
  path: string;
  source: ConfigPathSource;
  /** How to name the file in messages: what the trader typed, or the full default path. */
  display: string;
}

/**
 * The platform config directory (Linux: $XDG_CONFIG_HOME/mimik or ~/.config/mimik; macOS:
 * ~/Library/Preferences/mimik; Windows: %APPDATA%\mimik\Config). XDG_CONFIG_HOME is read from
 * the given env, so tests and a caller's own environment are honoured, not only process.env.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform !== "darwin" && process.platform !== "win32" && env.XDG_CONFIG_HOME)
    return join(env.XDG_CONFIG_HOME, "mimik");
  return envPaths("mimik", { suffix: "" }).config;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultConfigDir(env), "config.json");
}

/** `--config` wins over MIMIK_CONFIG, which wins over the platform default. Relative paths resolve from cwd. */
export function resolveConfigPath(options: {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  cwd?: string | undefined;
}): ConfigPathChoice {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.flag) return { path: resolve(cwd, options.flag), source: "flag", display: options.flag };
  if (env.MIMIK_CONFIG)
    return { path: resolve(cwd, env.MIMIK_CONFIG), source: "env", display: env.MIMIK_CONFIG };
  const path = defaultConfigPath(env);
  return { path, source: "default", display: path };
}

/** Runtime state sits beside its config: config.json → config.state.json, so two configs never share one. */
export function statePathFor(configPath: string): string {
  const ext = extname(configPath);
  const stem = basename(configPath, ext);
  return join(dirname(configPath), `${stem}.state.json`);
}

/** Where sockets live: $XDG_RUNTIME_DIR/mimik, or <tmp>/mimik-<uid> (create it with mode 0700). */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR)) return join(env.XDG_RUNTIME_DIR, "mimik");
  const uid = typeof process.getuid === "function" ? String(process.getuid()) : (env.USERNAME ?? "user");
  return join(tmpdir(), `mimik-${uid}`);
}
