import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfigPath, resolveConfigPath, runtimeDir, statePathFor } from "../../data/paths.js";

describe("paths", () => {
  const env = { XDG_CONFIG_HOME: "/home/t/.config" };
  const linux = process.platform !== "darwin" && process.platform !== "win32";

  it.runIf(linux)("defaults to the platform config directory", () => {
    expect(defaultConfigPath(env)).toBe("/home/t/.config/mimik/config.json");
    expect(resolveConfigPath({ env, cwd: "/w" })).toEqual({
      path: "/home/t/.config/mimik/config.json",
      source: "default",
      display: "/home/t/.config/mimik/config.json",
    });
  });

  it("lets MIMIK_CONFIG override the default and --config override both", () => {
    expect(resolveConfigPath({ env: { ...env, MIMIK_CONFIG: "env.json" }, cwd: "/w" })).toMatchObject({
      path: join("/w", "env.json"),
      source: "env",
    });
    expect(
      resolveConfigPath({ flag: "flag.json", env: { ...env, MIMIK_CONFIG: "env.json" }, cwd: "/w" }),
    ).toMatchObject({ path: join("/w", "flag.json"), source: "flag", display: "flag.json" });
  });

  it("keeps runtime state beside its config", () => {
    expect(statePathFor("/a/config.json")).toBe(join("/a", "config.state.json"));
    expect(statePathFor("/a/prop-firm.json")).toBe(join("/a", "prop-firm.state.json"));
    expect(statePathFor("/a/noext")).toBe(join("/a", "noext.state.json"));
  });

  it("puts sockets in XDG_RUNTIME_DIR, else a per-user temp directory", () => {
    expect(runtimeDir({ XDG_RUNTIME_DIR: "/run/user/1000" })).toBe(join("/run/user/1000", "mimik"));
    expect(runtimeDir({})).toMatch(/mimik-[\w]+$/);
  });
});
