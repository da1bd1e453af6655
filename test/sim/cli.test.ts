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

  it.each([
    ["follows CME's session: on a Saturday a market order waits for the reopen", [], 0, "CME hours"],
    ["--always-open: on a Saturday a market order fills", ["--always-open"], 1, "always open"],
  ])("%s", async (_what, flags, filled, session) => {
    const saved = process.env.MIMIK_SIM_CLOCK;
    process.env.MIMIK_SIM_CLOCK = "2026-12-05T18:00:00Z";
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    try {
      const io = context(["--port", "0", ...flags]);
      const exit = createSimCommand(() => stopped).run(io.ctx);
      await waitFor(() => io.out().includes("Ctrl+C"), "startup output");
      expect(io.out()).toContain(`session: ${session}`);
      const url = /^listening on (\S+)$/m.exec(io.out())?.[1];
      const post = await fetch(`${url}/sim/trade`, {
        method: "POST",
        body: JSON.stringify({ account: "DEMO1000", symbol: "ESZ6", action: "Buy", qty: 1 }),
      });
      expect(post.ok).toBe(true);
      const records = (await (await fetch(`${url}/sim/records`)).json()) as {
        positions: { accountName: string; netPos: number }[];
        workingOrders: unknown[];
      };
      const position = records.positions.find((p) => p.accountName === "DEMO1000")?.netPos ?? 0;
      expect(position).toBe(filled);
      expect(records.workingOrders).toHaveLength(1 - filled);
      stop();
      expect(await exit).toBe(0);
    } finally {
      stop();
      if (saved === undefined) delete process.env.MIMIK_SIM_CLOCK;
      else process.env.MIMIK_SIM_CLOCK = saved;
    }
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
