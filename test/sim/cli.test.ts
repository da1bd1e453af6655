import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../data/userError.js";
import { createSimCommand } from "../../src/cli/commands/sim.js";
import { waitFor } from "./helpers.js";

function context(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  return {
    ctx: { argv, stdout, stderr, env: {}, cwd: process.cwd(), isTTY: false },
    out: () => out,
    err: () => err,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("mimik sim", () => {
  it("prints 'listening on URL' first, then users and accounts, serves until stopped", async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const command = createSimCommand(() => stopped);
    const io = context(["--port", "0", "--seed", "3"]);
    const exit = command.run(io.ctx);
    await waitFor(() => io.out().includes("Ctrl+C"), "startup output");
    const lines = io.out().split("\n");
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!)?.[1];
    expect(url).toBeDefined();
    expect(io.out()).toMatch(/simulated/);
    expect(io.out()).toContain("demo / demo");
    expect(io.out()).toContain("DEMO1000");
    expect(io.out()).toContain("APEX3002");
    const res = await fetch(`${url}/v1/auth/accesstokenrequest`, {
      method: "POST",
      body: JSON.stringify({ name: "demo", password: "demo" }),
    });
    expect(await res.json()).toHaveProperty("accessToken");
    stop();
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/sim/records`)).rejects.toThrow();
  });

  it("a bad scenario file is a clear message and exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mimik-sim-cli-"));
    dirs.push(dir);
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ users: [], products: [] }));
    const io = context(["--scenario", file]);
    expect(await createSimCommand(() => Promise.resolve()).run(io.ctx)).toBe(1);
    expect(io.err()).toContain(`scenario file ${file} is not a valid scenario`);
    expect(io.err()).toContain("users: needs at least one user");
    expect(io.out()).toBe("");
    const missing = context(["--scenario", join(dir, "missing.json")]);
    expect(await createSimCommand(() => Promise.resolve()).run(missing.ctx)).toBe(1);
    expect(missing.err()).toContain("cannot read scenario file");
  });

  it("rejects a bad port as a usage error", async () => {
    const io = context(["--port", "70000"]);
    await expect(createSimCommand(() => Promise.resolve()).run(io.ctx)).rejects.toThrow(UserError);
  });
});
