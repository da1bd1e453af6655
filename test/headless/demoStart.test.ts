import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLines, killAll, startMimik, until } from "./children.js";

/**
 * The demo's first minute: its trader waits until mimik is connected. A trade made while mimik
 * still logs in can never be copied (openings are not made up), so every follower showed OUT OF
 * SYNC from the start: a newcomer's first sight of mimik was a warning.
 */

const dirs: string[] = [];
afterAll(async () => {
  await killAll();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("mimik headless --demo", () => {
  it("trades the leader only once every login is connected, so no follower starts OUT OF SYNC", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mimik-demo-start-"));
    dirs.push(dir);
    const child = startMimik(["headless", "--demo"], {
      ...{ PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg") },
      ...{ XDG_RUNTIME_DIR: join(dir, "run"), MIMIK_DEMO_INTERVAL_MS: "150" },
    });
    const kinds = () => jsonLines(child).map((l) => l.event ?? l);
    await until(
      () => kinds().filter((e) => (e as { type?: string }).type === "leaderFill").length >= 3 || undefined,
      "three leader fills",
    );
    const events = kinds() as { type?: string; state?: string; connection?: string; inSync?: boolean }[];
    const firstFill = events.findIndex((e) => e.type === "leaderFill");
    const before = events.slice(0, firstFill);
    const connected = before.filter((e) => e.type === "connectionStatus" && e.state === "connected");
    expect(new Set(connected.map((e) => e.connection))).toEqual(new Set(["sim", "topstep"]));
    expect(before.filter((e) => e.type === "syncStatus" && e.inSync === false)).toEqual([]);
  }, 30_000);
});
