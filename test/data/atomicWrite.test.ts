import { execFileSync, spawn } from "node:child_process";
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { atomicWrite, serialised } from "../../data/atomicWrite.js";
import { distDir } from "../cli/dist.js";
import { tempDir } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe("atomicWrite", () => {
  it("serialises concurrent writes to one path in call order", async () => {
    const file = join(dir, "f.json");
    const renamed: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        atomicWrite(file, JSON.stringify({ i }), {
          beforeRename: async () => {
            renamed.push(i);
          },
        }),
      ),
    );
    expect(renamed).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ i: 29 });
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("keeps the mode of the file it replaces, and sets an exact mode when asked", async () => {
    const file = join(dir, "f.json");
    await writeFile(file, "{}", { mode: 0o640 });
    await atomicWrite(file, '{"a":1}');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    const secret = join(dir, "s.json");
    await atomicWrite(secret, "{}", { mode: 0o600 });
    expect((await stat(secret)).mode & 0o777).toBe(0o600);
  });

  it("leaves the old file intact and no temp file when the write dies before the rename", async () => {
    const file = join(dir, "f.json");
    await writeFile(file, '{"old":true}');
    await expect(
      atomicWrite(file, '{"new":true}', {
        beforeRename: async () => {
          throw new Error("crash");
        },
      }),
    ).rejects.toThrow("crash");
    expect(await readFile(file, "utf8")).toBe('{"old":true}');
    expect(await readdir(dir)).toEqual(["f.json"]);
  });

  it("writes through a symlink: the link stays a link, its target gets the content, no temp file is left", async () => {
    await mkdir(join(dir, "real"));
    const target = join(dir, "real", "config.json");
    await writeFile(target, '{"old":true}', { mode: 0o640 });
    const link = join(dir, "config.json");
    await symlink(join("real", "config.json"), link);
    await atomicWrite(link, '{"new":true}');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, "utf8")).toBe('{"new":true}');
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect((await readdir(dir)).sort()).toEqual(["config.json", "real"]);
    expect(await readdir(join(dir, "real"))).toEqual(["config.json"]);
  });

  it("writes through a symlink whose target does not exist yet, and through a chain of links", async () => {
    const link = join(dir, "state.json");
    await symlink("elsewhere.json", link);
    const chain = join(dir, "chain.json");
    await symlink("state.json", chain);
    await atomicWrite(chain, "{}", { mode: 0o600 });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await lstat(chain)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, "elsewhere.json"), "utf8")).toBe("{}");
  });

  it("never replaces what is not a file (the state linked to /dev/null): the write fails, saying why", async () => {
    // A FIFO stands in for a device: replacing /dev/null itself is what this guards against.
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const link = join(dir, "config.state.json");
    await symlink(fifo, link);
    await expect(atomicWrite(link, "{}", { mode: 0o600 })).rejects.toThrow(
      `${fifo} is not a regular file (${link} leads there): mimik does not replace it; put a file there, or remove it`,
    );
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["config.state.json", "pipe"]);
  });

  it("keeps the queue going after a failed job", async () => {
    const results = await Promise.allSettled([
      serialised(join(dir, "x"), async () => {
        throw new Error("first fails");
      }),
      serialised(join(dir, "x"), async () => "second runs"),
    ]);
    expect(results[1]).toEqual({ status: "fulfilled", value: "second runs" });
  });

  it("survives kill -9 in the middle of a stream of writes: the file is always one whole version", async () => {
    const file = join(dir, "f.json");
    await writeFile(file, JSON.stringify({ n: -1 }));
    const script = `
      const { atomicWrite } = await import(${JSON.stringify(join(distDir, "data/atomicWrite.js"))});
      const pad = "x".repeat(300000);
      for (let n = 0; ; n++) {
        await atomicWrite(${JSON.stringify(file)}, JSON.stringify({ n, pad }));
        process.stdout.write(n + "\\n");
      }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lastDone = -1;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        const lines = d.toString().trim().split("\n");
        lastDone = Number(lines[lines.length - 1]);
        if (lastDone >= 20) resolve();
      });
      child.on("exit", () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await exited;
    const content = JSON.parse(await readFile(file, "utf8")) as { n: number; pad: string };
    expect(content.n).toBeGreaterThanOrEqual(lastDone);
    expect(content.pad).toHaveLength(300000);
  });
});
