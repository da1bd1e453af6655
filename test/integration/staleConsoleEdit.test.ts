import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigRepository } from "../../data/repository.js";
import type { Config } from "../../data/schema.js";
import { repositoryHolder } from "../../src/app/configHolder.js";
import { createActions } from "../../src/process/actions.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A console action given in the moment between a hand edit's save and the watcher's re-read: the
 * update runs on the file as edited (the repository loads it first), so a target the edit took
 * away must be refused there, not left untouched with an answer that it was done.
 */
let rig: Rig | undefined;
let dir: string | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The engine with its config in a file, and the console's actions on it; the file not watched. */
async function consoleOnFile() {
  rig = await startRig(simConfig());
  const { engine } = rig;
  dir = await mkdtemp(join(tmpdir(), "mimik-stale-edit-"));
  const path = join(dir, "config.json");
  const repo = await ConfigRepository.create(path, engine.currentConfig());
  const holder = repositoryHolder(repo);
  holder.subscribe((config) => engine.setConfig(config));
  const actions = createActions({ engine, holder, events: () => () => undefined });
  const handEdit = async (change: (config: Config) => void) => {
    const edited = structuredClone(engine.currentConfig());
    change(edited);
    await writeFile(path, JSON.stringify(edited, null, 2));
  };
  const onDisk = async () => JSON.parse(await readFile(path, "utf8")) as Config;
  return { ...rig, repo, actions, handEdit, onDisk };
}

const renameG = (config: Config) => {
  config.groups[0]!.name = "H";
};

describe("a console edit just after a hand edit took its target away", () => {
  it("disable of a follower whose group was renamed is refused, not said done while it copies", async () => {
    const { sim, engine, actions, handEdit, onDisk } = await consoleOnFile();
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    await handEdit(renameG);

    const outcome = await actions.setFollowerEnabled("G", "DEMO2003", false);
    expect(outcome).toMatchObject({ status: "refused", reason: "no such group" });
    const h = (await onDisk()).groups.find((g) => g.name === "H");
    expect(h?.followers.find((f) => f.account === "DEMO2003")?.enabled).toBe(true);

    // As said: still enabled (in H), it copies the leader's opening.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1");
  });

  it("removing a follower of a renamed group is refused, not said 'removed from G' while it stays", async () => {
    const { engine, actions, handEdit } = await consoleOnFile();
    await handEdit(renameG);

    const outcome = await actions.deleteFollower("G", "DEMO2003");
    expect(outcome).toMatchObject({ status: "refused", reason: "no such group" });
    const h = engine.currentConfig().groups.find((g) => g.name === "H");
    expect(h?.followers.map((f) => f.account)).toContain("DEMO2003");
  });

  it("pausing a renamed group is refused, and the group still copies", async () => {
    const { sim, actions, handEdit, onDisk } = await consoleOnFile();
    await handEdit(renameG);

    const outcome = await actions.setGroupActive("G", false);
    expect(outcome).toMatchObject({ status: "refused", reason: "no such group" });
    expect((await onDisk()).groups.map((g) => [g.name, g.active])).toEqual([["H", true]]);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1");
  });

  it("resuming a group paused by hand is done, not answered 'already copying' while it stays paused", async () => {
    const { sim, engine, actions, handEdit, onDisk, repo } = await consoleOnFile();
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    await handEdit((config) => {
      config.groups[0]!.active = false;
    });

    const outcome = await actions.setGroupActive("G", true);
    expect(outcome).toEqual({ target: "G", status: "resumed" });
    await repo.reload(); // the watcher's re-read, late
    expect((await onDisk()).groups[0]!.active).toBe(true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1");
  });

  it("a second pause is still said to be one", async () => {
    const { actions } = await consoleOnFile();
    expect(await actions.setGroupActive("G", false)).toEqual({ target: "G", status: "paused" });
    expect(await actions.setGroupActive("g", false)).toMatchObject({
      target: "G",
      status: "paused",
      reason: expect.stringContaining("already paused"),
    });
  });

  it("a follower form saved after the follower was removed by hand does not add it back", async () => {
    const { sim, engine, actions, handEdit, onDisk } = await consoleOnFile();
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    const form = structuredClone(
      engine.currentConfig().groups[0]!.followers.find((f) => f.account === "DEMO2003")!,
    );
    await handEdit((config) => {
      config.groups[0]!.followers = config.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
    });

    const outcome = await actions.saveFollower("G", "DEMO2003", {
      ...form,
      sizing: { mode: "multiplier", value: 2 },
    });
    expect(outcome).toMatchObject({ status: "refused", reason: "not a follower" });
    expect((await onDisk()).groups[0]!.followers.map((f) => f.account)).not.toContain("DEMO2003");

    // Removed as the trader meant: the leader's opening reaches DEMO2001, not DEMO2003.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "nothing in flight for DEMO2003");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
  });
});
