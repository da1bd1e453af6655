import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, validRaw } from "../data/fixtures.js";
import { mimikBin } from "./dist.js";

/** Runs the real built executable (npm test builds dist/ first). */
function mimik(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [mimikBin, ...args],
      { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: dir, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(join(dir, "good.json"), JSON.stringify(validRaw()));
  const bad = validRaw();
  bad.groups[0]!.whitelist = { enabled: true, symbols: ["ESZ6"] };
  bad.groups[0]!.followers[0]!.sizing = { mode: "multiplier", value: 0.3333 };
  bad.connections[0]!.pasword = "x";
  await writeFile(join(dir, "bad.json"), JSON.stringify(bad, null, 2));
  await writeFile(join(dir, "broken.json"), '{\n  "version": 1,\n  "groups": [,]\n}\n');
});
afterAll(async () => {
  await cleanup();
});

describe("the mimik executable", () => {
  it("--help lists the commands and exits 0", async () => {
    const r = await mimik(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/config check\s+validate the config file/);
    expect(r.stdout).toContain(join(dir, "mimik", "config.json"));
  });

  it("config check --help explains the command", async () => {
    const r = await mimik(["config", "check", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mimik config check \[--config FILE\]/);
  });

  it("config check of a good config: one summary line, exit 0", async () => {
    const r = await mimik(["config", "check", "--config", join(dir, "good.json")], {
      MIMIK_SIM_PASSWORD: "pw",
    });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(`${join(dir, "good.json")} OK: 1 connection, 4 accounts, 1 group, 2 followers\n`);
  });

  it("config check of the shipped example passes", async () => {
    const example = resolve("data/examples/config.example.json");
    const r = await mimik(["config", "check", "--config", example], { MIMIK_SIM_PASSWORD: "pw" });
    expect(r.code).toBe(0);
  });

  it("config check of a bad config: every problem with path and fix, exit 1, no stack", async () => {
    const r = await mimik(["config", "check", "--config", "bad.json"], {}, dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    const text = (await readFile(join(dir, "bad.json"), "utf8")).split("\n");
    const lineOf = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
    expect(lines).toEqual([
      `bad.json:${lineOf('"pasword"')}: connections[0].pasword: unknown field "pasword" (did you mean "password"? otherwise remove it)`,
      `bad.json:${lineOf('"ESZ6"')}: groups[0].whitelist.symbols[0]: "ESZ6" must be a root symbol such as ES, NQ, MES or CL, not a contract month like ESZ6`,
      `bad.json:${lineOf('"value": 0.3333')}: groups[0].followers[0].sizing.value: must have at most 3 decimals (e.g. 0.5, 1.25, 0.125)`,
    ]);
    expect(r.stderr).toBe("bad.json: 3 problems\n");
  });

  it("config check of malformed JSON gives line and column", async () => {
    const r = await mimik(["config", "check", "--config", "broken.json"], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^broken\.json:3:14: not valid JSON: expected a value/);
  });

  it("config check of a missing file says so and how to fix it, exit 1", async () => {
    const r = await mimik(["config", "check"], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, "mimik", "config.json")}: file not found (`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("MIMIK_CONFIG chooses the file", async () => {
    const r = await mimik(["config", "check"], {
      MIMIK_CONFIG: join(dir, "good.json"),
      MIMIK_SIM_PASSWORD: "pw",
    });
    expect(r.code).toBe(0);
  });

  it("unknown command: exit 2", async () => {
    const r = await mimik(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("unknown flag: exit 2 with the flag named", async () => {
    const r = await mimik(["config", "check", "--conifg", "x.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown flag --conifg/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--version prints the package version", async () => {
    const r = await mimik(["--version"]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
