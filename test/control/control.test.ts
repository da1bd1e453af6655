import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OUTCOME_STATUSES } from "../../engine/index.js";
import { NoInstanceError, sendControl } from "../../src/control/client.js";
import type { ControlRequest } from "../../src/control/protocol.js";
import { parseRequestLine, parseResponseLine } from "../../src/control/protocol.js";
import { type ControlServer, startControlServer } from "../../src/control/server.js";
import { controlSocketPath } from "../../src/control/socketPath.js";

let dir: string;
let socketPath: string;
let servers: ControlServer[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-ctl-"));
  socketPath = join(dir, "run", "test.sock");
  servers = [];
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(handler: (req: ControlRequest) => Promise<object>): Promise<ControlServer> {
  const server = await startControlServer(socketPath, async (req) => ({ ok: true, ...(await handler(req)) }));
  servers.push(server);
  return server;
}

/** Sends raw text and returns the first response line (for requests the client would not build). */
function rawExchange(text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(text));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf("\n");
      if (nl !== -1) {
        socket.destroy();
        resolve(JSON.parse(buffered.slice(0, nl)));
      }
    });
    socket.on("error", reject);
  });
}

describe("control socket", () => {
  it("answers a request with the same id (round trip)", async () => {
    const seen: ControlRequest[] = [];
    await serve(async (req) => {
      seen.push(req);
      return req.cmd === "status" ? { status: { followers: 3 } } : {};
    });
    const response = await sendControl(socketPath, { cmd: "status" }, { timeoutMs: 5000 });
    expect(response).toMatchObject({ ok: true, status: { followers: 3 } });
    expect(typeof response.id).toBe("string");
    expect(seen[0]?.cmd).toBe("status");

    const flatten = await sendControl(socketPath, { id: 7, cmd: "flatten", target: { group: "G1" } });
    expect(flatten.id).toBe(7);
    expect(seen[1]).toEqual({ id: 7, cmd: "flatten", target: { group: "G1" } });
  });

  it("passes outcomes through", async () => {
    await serve(async () => ({
      ok: true,
      results: [{ target: "F1", status: "failed", reason: "rejected: no margin", retryInMs: 2000 }],
    }));
    const response = await sendControl(socketPath, { cmd: "lock", follower: "F1" });
    expect(response.results).toEqual([
      { target: "F1", status: "failed", reason: "rejected: no margin", retryInMs: 2000 },
    ]);
  });

  it("a client that pipelines requests and never reads its replies is not read either", async () => {
    let answered = 0;
    const big = "x".repeat(10_000);
    await serve(async () => {
      answered += 1;
      return { status: big };
    });
    const client = connect(socketPath);
    client.pause(); // never reads a reply
    await new Promise<void>((resolve) => client.once("connect", resolve));
    const line = `${JSON.stringify({ id: 1, cmd: "status" })}\n`;
    for (let i = 0; i < 5000; i++) client.write(line);
    await new Promise((r) => setTimeout(r, 500));
    const seen = answered;
    await new Promise((r) => setTimeout(r, 300));
    // The server stopped reading: a bounded number answered, and no more while the client stalls.
    expect(seen).toBeLessThan(1000);
    expect(answered).toBe(seen);
    client.destroy();
    // Another client is answered meanwhile.
    const response = await sendControl(socketPath, { cmd: "status" });
    expect(response.ok).toBe(true);
  });

  it("makes the socket mode 0600 inside a 0700 folder", async () => {
    await serve(async () => ({}));
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "run"))).mode & 0o777).toBe(0o700);
  });

  it("answers invalid requests with an error and keeps serving", async () => {
    await serve(async () => ({ status: "fine" }));
    expect(await rawExchange("{nope\n")).toEqual({
      id: null,
      ok: false,
      error: "invalid request: not valid JSON",
    });
    const unknown = (await rawExchange('{"id":"a","cmd":"selfDestruct"}\n')) as {
      id: unknown;
      error: string;
    };
    expect(unknown.id).toBe("a");
    expect(unknown.error).toMatch(/^invalid request: /);
    const missing = (await rawExchange('{"id":"b","cmd":"lock"}\n')) as { error: string };
    expect(missing.error).toMatch(/follower/);
    expect(await sendControl(socketPath, { cmd: "status" })).toMatchObject({ ok: true, status: "fine" });
  });

  it("acts on nothing that follows a too-long line: it dropped the connection", async () => {
    const seen: string[] = [];
    await serve(async (req) => {
      seen.push(req.cmd);
      return {};
    });
    const lock = JSON.stringify({ id: 1, cmd: "lock", follower: "F1" });
    const reply = await rawExchange(`${"x".repeat(200_000)}\n${lock}\n`);
    expect(reply).toMatchObject({ id: null, ok: false, error: "invalid request: line too long" });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });

  it("turns a handler that throws into an error response", async () => {
    await serve(async () => {
      throw new Error("engine not ready");
    });
    expect(await sendControl(socketPath, { cmd: "pause", group: "G" })).toMatchObject({
      ok: false,
      error: "engine not ready",
    });
  });

  it("tells the client clearly when no instance is running", async () => {
    const error = await sendControl(socketPath, { cmd: "status" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoInstanceError);
    expect((error as Error).message).toBe(
      `no running mimik instance for this config (no socket at ${socketPath})`,
    );
  });

  it("times out with a clear message when the instance does not answer", async () => {
    await serve(() => new Promise(() => {}));
    await expect(sendControl(socketPath, { cmd: "status" }, { timeoutMs: 200 })).rejects.toThrow(
      /did not answer within 200 ms/,
    );
  });

  it("a lock that went unanswered says it may still have been done", async () => {
    await serve(() => new Promise(() => {}));
    await expect(
      sendControl(socketPath, { cmd: "lock", follower: "F1" }, { timeoutMs: 200 }),
    ).rejects.toThrow(/did not answer within 200 ms .*; the lock may still have been done: see mimik status/);
    await servers.pop()?.close();
    const server = await startControlServer(socketPath, async () => {
      void server.close();
      return new Promise(() => {});
    });
    await expect(sendControl(socketPath, { cmd: "flatten", target: { all: true } })).rejects.toThrow(
      /closed the connection without answering; the flatten may still have been done: see mimik status/,
    );
  });

  it("replaces a stale socket file, refuses to start beside a live one, and removes its socket on close", async () => {
    const first = await startControlServer(socketPath, async () => ({ ok: true }));
    await expect(startControlServer(socketPath, async () => ({ ok: true }))).rejects.toThrow(
      /already serving/,
    );
    await first.close();
    await expect(stat(socketPath)).rejects.toThrow();

    // A socket file nobody listens on: what a kill -9 leaves behind.
    const { spawn } = await import("node:child_process");
    const child = spawn(
      process.execPath,
      [
        "-e",
        `require("node:net").createServer().listen(${JSON.stringify(socketPath)}, () => console.log("up"))`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise((r) => child.stdout.once("data", r));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect((await stat(socketPath)).isSocket()).toBe(true);
    await expect(sendControl(socketPath, { cmd: "status" })).rejects.toThrow(
      `no running mimik instance for this config (nothing listening on ${socketPath})`,
    );
    await serve(async () => ({ status: "new" }));
    expect(await sendControl(socketPath, { cmd: "status" })).toMatchObject({ ok: true, status: "new" });
  });

  it("refuses to remove a file that is not a socket", async () => {
    await serve(async () => ({}));
    await servers.pop()?.close();
    await writeFile(socketPath, "precious");
    await expect(startControlServer(socketPath, async () => ({ ok: true }))).rejects.toThrow(/not a socket/);
  });
});

describe("protocol", () => {
  it("accepts every command the CLI sends", () => {
    const lines = [
      { id: 1, cmd: "status" },
      { id: 2, cmd: "flatten", target: { follower: "F1" } },
      { id: 3, cmd: "flatten", target: { all: true } },
      { id: 4, cmd: "lock", follower: "F1", force: true },
      { id: 5, cmd: "unlock", follower: "F1" },
      { id: 6, cmd: "pause", group: "G" },
      { id: 7, cmd: "resume", group: "G" },
    ];
    for (const line of lines) expect(parseRequestLine(JSON.stringify(line)).ok).toBe(true);
  });

  it("refuses extra fields, an empty name and a flatten with two targets", () => {
    expect(parseRequestLine('{"id":1,"cmd":"status","password":"x"}').ok).toBe(false);
    expect(parseRequestLine('{"id":1,"cmd":"lock","follower":""}').ok).toBe(false);
    expect(parseRequestLine('{"id":1,"cmd":"flatten","target":{"all":false}}').ok).toBe(false);
    expect(parseRequestLine('{"id":1,"cmd":"flatten","target":{"group":"G","follower":"F"}}').ok).toBe(false);
    expect(parseRequestLine("[]").ok).toBe(false);
    expect(parseRequestLine("null").ok).toBe(false);
  });

  it("reads a response with any outcome status the engine has, and no other", () => {
    const response = (status: string) =>
      JSON.stringify({ id: 1, ok: true, results: [{ target: "F1", status }] });
    for (const status of OUTCOME_STATUSES)
      expect(parseResponseLine(response(status))?.results?.[0]?.status).toBe(status);
    expect(parseResponseLine(response("done"))).toBeUndefined();
    expect(parseResponseLine("not json")).toBeUndefined();
  });

  it("answers a request too broken for an id with id null, and keeps a readable id", () => {
    const broken = parseRequestLine('{"id":{},"cmd":"status"}');
    expect(broken.ok ? undefined : broken.response.id).toBeNull();
    const unknown = parseRequestLine('{"id":"a1","cmd":"reboot"}');
    expect(unknown.ok ? undefined : unknown.response).toMatchObject({ id: "a1", ok: false });
  });
});

describe("controlSocketPath", () => {
  it("is stable per config, different across configs, and fits sun_path", () => {
    const a = controlSocketPath("/home/t/.config/mimik/config.json", "/run/user/1000/mimik");
    expect(a).toBe(controlSocketPath("/home/t/.config/mimik/../mimik/config.json", "/run/user/1000/mimik"));
    expect(a).not.toBe(controlSocketPath("/home/t/other.json", "/run/user/1000/mimik"));
    expect(a.startsWith("/run/user/1000/mimik/")).toBe(true);
    const deep = controlSocketPath("/c.json", `/${"d".repeat(200)}`);
    expect(Buffer.byteLength(deep)).toBeLessThanOrEqual(103);
  });
});
