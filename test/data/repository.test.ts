import { chmod, lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../data/configFile.js";
import { type ConfigChangeCause, type ConfigProblemEvent, ConfigRepository } from "../../data/repository.js";
import type { Config } from "../../data/schema.js";
import { tempDir, validRaw, waitFor } from "./fixtures.js";

let dir: string;
let file: string;
let cleanup: () => Promise<void>;
const open: ConfigRepository[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(validRaw(), null, 2));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  await cleanup();
});

async function openRepo(path = file): Promise<ConfigRepository> {
  const repo = await ConfigRepository.open(path, { debounceMs: 20, pollMs: 100 });
  open.push(repo);
  return repo;
}

function record(repo: ConfigRepository) {
  const changes: { cause: ConfigChangeCause; config: Config }[] = [];
  const problems: ConfigProblemEvent[] = [];
  repo.subscribe((config, cause) => changes.push({ cause, config }));
  repo.onProblem((event) => problems.push(event));
  return { changes, problems };
}

describe("ConfigRepository: a symlinked config", () => {
  it("saves through the link: the link stays a link and the file it points at holds the change", async () => {
    await mkdir(join(dir, "dotfiles"));
    const target = join(dir, "dotfiles", "mimik.json");
    await writeFile(target, JSON.stringify(validRaw(), null, 2));
    const link = join(dir, "linked.json");
    await symlink(target, link);
    const repo = await openRepo(link);
    const result = await repo.update((draft) => {
      draft.accounts[0]!.label = "lead";
    });
    expect(result.ok).toBe(true);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(target, "utf8")).accounts[0].label).toBe("lead");
    // A second save still goes through (the link was not replaced by the first).
    const again = await repo.update((draft) => {
      draft.accounts[0]!.label = "boss";
    });
    expect(again.ok).toBe(true);
    expect(JSON.parse(await readFile(target, "utf8")).accounts[0].label).toBe("boss");
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });
});

describe("ConfigRepository: open", () => {
  it("loads a valid file into a frozen snapshot", async () => {
    const repo = await openRepo();
    const config = repo.get();
    expect(config.groups[0]!.leader).toBe("DEMO1000");
    expect(Object.isFrozen(config.groups[0]!.followers[0])).toBe(true);
    expect(() => {
      (config as { version: number }).version = 2;
    }).toThrow();
  });

  it("refuses a missing file with kind 'missing'", async () => {
    const error = await ConfigRepository.open(join(dir, "nope.json")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).kind).toBe("missing");
    expect((error as ConfigError).problems[0]?.message).toBe("file not found");
  });

  it("refuses an invalid file with every problem", async () => {
    const raw = validRaw();
    raw.groups[0]!.leader = "DEMO2001";
    await writeFile(file, JSON.stringify(raw));
    const error = await ConfigRepository.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).kind).toBe("invalid");
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(["groups[0].followers[0].account"]);
  });

  it("ignores a stray temp file left by a crash between temp write and rename", async () => {
    await writeFile(join(dir, ".config.json.999.deadbeef.tmp"), '{"version": 1, "connec');
    const repo = await openRepo();
    expect(repo.get().accounts).toHaveLength(4);
  });

  it("creates a new file, and refuses to create over an existing one", async () => {
    const path = join(dir, "new.json");
    const created = await ConfigRepository.create(path, {
      version: 1,
      connections: [],
      accounts: [],
      groups: [],
    });
    open.push(created);
    expect(JSON.parse(await readFile(path, "utf8")).version).toBe(1);
    await expect(ConfigRepository.create(file, created.get())).rejects.toBeInstanceOf(ConfigError);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(validRaw());
  });
});

describe("ConfigRepository: update", () => {
  it("refuses to replace a config made read-only, naming it, and changes nothing", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    const before = await readFile(file, "utf8");
    await chmod(file, 0o444);
    const result = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([
        expect.objectContaining({
          file,
          message: "it is read-only (mode 444), so this change was not saved",
          fix: expect.stringContaining("chmod u+w"),
        }),
      ]);
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await stat(file)).mode & 0o777).toBe(0o444);
    expect(repo.get().groups[0]!.active).toBe(true);
    expect(changes).toEqual([]);
    // Writable again, the same change is saved.
    await chmod(file, 0o644);
    const saved = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(saved.ok).toBe(true);
    expect(JSON.parse(await readFile(file, "utf8")).groups[0].active).toBe(false);
  });

  it("applies, saves and announces a valid change", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    const result = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(result.ok).toBe(true);
    expect(repo.get().groups[0]!.active).toBe(false);
    expect(changes.map((c) => c.cause)).toEqual(["update"]);
    const reopened = await openRepo();
    expect(reopened.get().groups[0]!.active).toBe(false);
  });

  it("applies concurrent updates one after another, in call order, none lost", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    const symbols = Array.from({ length: 20 }, (_, i) => `A${i}`);
    const results = await Promise.all(
      symbols.map((s) =>
        repo.update((draft) => {
          draft.groups[0]!.whitelist.symbols.push(s);
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const onDisk = JSON.parse(await readFile(file, "utf8")) as Config;
    expect(onDisk.groups[0]!.whitelist.symbols).toEqual(["ES", "NQ", ...symbols]);
    expect(changes).toHaveLength(20);
    expect(changes[19]!.config.groups[0]!.whitelist.symbols).toHaveLength(22);
  });

  it("refuses an invalid change, names the field, and leaves the file byte-identical", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    const before = await readFile(file);
    const result = await repo.update((draft) => {
      draft.groups[0]!.followers.push({
        account: "DEMO1000",
        enabled: true,
        sizing: { mode: "multiplier", value: 0.3333 },
        mapping: "none",
        limits: {},
      });
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => p.path).sort()).toEqual([
        "groups[0].followers[2].account",
        "groups[0].followers[2].sizing.value",
      ]);
    expect((await readFile(file)).equals(before)).toBe(true);
    expect(repo.get().groups[0]!.followers).toHaveLength(2);
    expect(changes).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a change that breaks a group rule (leader also follower)", async () => {
    const repo = await openRepo();
    const before = await readFile(file);
    const result = await repo.update((draft) => {
      draft.groups[0]!.followers.push({
        account: "DEMO1000",
        enabled: true,
        sizing: { mode: "fixed", contracts: 1 },
        mapping: "none",
        limits: {},
      });
    });
    expect(result.ok ? "" : result.problems[0]?.message).toMatch(/already the leader of group "main"/);
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it("turns a throwing mutator into a refusal", async () => {
    const repo = await openRepo();
    const result = await repo.update(() => {
      throw new Error("no such follower");
    });
    expect(result).toMatchObject({ ok: false, problems: [{ message: "no such follower" }] });
  });

  it("never clobbers a hand edit it has not read: loads it first, then applies the change on top", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    const edited = validRaw();
    edited.groups[0]!.followers[1]!.maxContracts = 9;
    await writeFile(file, JSON.stringify(edited, null, 2));
    const result = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(result.ok).toBe(true);
    const onDisk = JSON.parse(await readFile(file, "utf8")) as Config;
    expect(onDisk.groups[0]!.followers[1]!.maxContracts).toBe(9);
    expect(onDisk.groups[0]!.active).toBe(false);
    expect(changes.map((c) => c.cause)).toEqual(["reload", "update"]);
  });

  it("refuses to save over an unread hand edit that is invalid, and keeps that edit on disk", async () => {
    const repo = await openRepo();
    const { problems } = record(repo);
    const broken = '{\n  "version": 1,\n  "groups": [\n';
    await writeFile(file, broken);
    const result = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]?.message).toMatch(/edited by hand and is not valid/);
      expect(result.problems[1]).toMatchObject({ line: 4, column: 1 });
    }
    expect(await readFile(file, "utf8")).toBe(broken);
    expect(repo.get().groups[0]!.active).toBe(true);
    expect(problems.map((p) => p.kind)).toEqual(["invalid-edit"]);
  });

  it("says in its first problem what is wrong with the edit, as that is all a console line or the CLI shows", async () => {
    const repo = await openRepo();
    const edited = validRaw();
    edited.groups[0]!.whitelist = { enabled: true, symbols: ["ESZ6"] };
    await writeFile(file, JSON.stringify(edited, null, 2));
    const result = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]?.message).toMatch(
        /^the file was edited by hand and is not valid now \(line \d+, groups\[0\]\.whitelist\.symbols\[0\]: "ESZ6" must be a root symbol.*\), so this change was not saved$/,
      );
  });

  it("refuses a change while the file cannot be read, saying so rather than 'edited by hand', and writes nothing", async () => {
    const repo = await openRepo();
    const good = await readFile(file, "utf8");
    await rm(file);
    await mkdir(file); // a folder where the file was
    const result = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]).toMatchObject({
        message: "the file cannot be read (it is a directory), so this change was not saved",
        fix: "make it a readable file again, then make the change",
      });
    expect((await stat(file)).isDirectory()).toBe(true);
    expect(await readdir(file)).toEqual([]);
    expect(repo.get().groups[0]!.active).toBe(true);
    await rm(file, { recursive: true });
    await writeFile(file, good);
  });
});

describe("ConfigRepository: a bad edit undone", () => {
  it("says once that the file is back to the config in force, and nothing changes", async () => {
    const repo = await openRepo();
    const { changes, problems } = record(repo);
    const good = await readFile(file, "utf8");
    await writeFile(file, good.replace('"version": 1', '"version": "one"'));
    expect((await repo.reload()).ok).toBe(false);
    await writeFile(file, good);
    expect(await repo.reload()).toEqual({ ok: true, changed: false });
    expect(await repo.reload()).toEqual({ ok: true, changed: false });
    expect(problems.map((p) => [p.kind, p.message])).toEqual([
      ["invalid-edit", expect.stringMatching(/is not valid/)],
      ["restored", `${file} is back to the config in force; nothing changed`],
    ]);
    expect(changes).toEqual([]);
  });

  it("says nothing for a re-read of an untouched file", async () => {
    const repo = await openRepo();
    const { problems } = record(repo);
    expect(await repo.reload()).toEqual({ ok: true, changed: false });
    expect(problems).toEqual([]);
  });
});

describe("ConfigRepository: a config that cannot be read", () => {
  it("is said once while it stays unreadable, and again once it was readable in between", async () => {
    const repo = await openRepo();
    const { problems } = record(repo);
    const good = await readFile(file, "utf8");
    await rm(file);
    await mkdir(file); // a folder where the file was: EISDIR at every read
    for (let i = 0; i < 3; i++) expect((await repo.reload()).ok).toBe(false);
    expect(problems.map((p) => p.kind)).toEqual(["unreadable"]);
    await rm(file, { recursive: true });
    await writeFile(file, good);
    expect((await repo.reload()).ok).toBe(true);
    expect(problems.map((p) => p.kind)).toEqual(["unreadable", "restored"]);
    await rm(file);
    await mkdir(file);
    expect((await repo.reload()).ok).toBe(false);
    expect(problems.map((p) => p.kind)).toEqual(["unreadable", "restored", "unreadable"]);
    await rm(file, { recursive: true });
    await writeFile(file, good);
  });
});

describe("ConfigRepository: a check beyond the file's rules (admitWith)", () => {
  it("keeps a refused hand edit out and says why once, takes it when saved again, and refuses a save the same way", async () => {
    const repo = await openRepo();
    const { changes, problems } = record(repo);
    let held = "DEMO3000";
    repo.admitWith(async (next) => {
      if (next.groups.some((g) => g.followers.some((f) => f.account === held)))
        throw new Error(`${held} is already in use by another mimik`);
    });
    const edited = validRaw();
    edited.groups[0]!.followers.push({ account: "DEMO3000", sizing: { mode: "multiplier", value: 1 } });
    await writeFile(file, JSON.stringify(edited, null, 2));
    expect(await repo.reload()).toMatchObject({ ok: false });
    expect(await repo.reload()).toMatchObject({ ok: false });
    expect(problems.map((p) => [p.kind, p.problems[0]?.message])).toEqual([
      ["refused-edit", "DEMO3000 is already in use by another mimik"],
    ]);
    expect(repo.get().groups[0]!.followers).toHaveLength(2);
    held = "";
    expect(await repo.reload()).toEqual({ ok: true, changed: true });
    expect(repo.get().groups[0]!.followers).toHaveLength(3);
    held = "DEMO2001";
    const saved = await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    expect(saved.ok).toBe(false);
    expect(repo.get().groups[0]!.active).toBe(true);
    expect(JSON.parse(await readFile(file, "utf8")).groups[0].active).toBeUndefined();
    expect(changes.map((c) => c.cause)).toEqual(["reload"]);
  });
});

describe("ConfigRepository: watching hand edits", () => {
  it("reloads a valid hand edit and tells subscribers", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    repo.watch();
    const edited = validRaw();
    edited.groups[0]!.name = "renamed";
    await writeFile(file, JSON.stringify(edited, null, 2));
    await waitFor(() => changes.length > 0, "a reload");
    expect(changes[0]!.cause).toBe("reload");
    expect(repo.get().groups[0]!.name).toBe("renamed");
  });

  it("keeps the old config on an invalid hand edit and says why, once", async () => {
    const repo = await openRepo();
    const { changes, problems } = record(repo);
    repo.watch();
    const edited = validRaw();
    edited.groups[0]!.whitelist = { enabled: true, symbols: ["ESZ6"] };
    await writeFile(file, JSON.stringify(edited, null, 2));
    await waitFor(() => problems.length > 0, "a problem event");
    expect(problems[0]!.kind).toBe("invalid-edit");
    expect(problems[0]!.message).toMatch(/not valid; keeping the config loaded before/);
    expect(problems[0]!.problems[0]).toMatchObject({ path: "groups[0].whitelist.symbols[0]" });
    expect(repo.get().groups[0]!.whitelist.symbols).toEqual(["ES", "NQ"]);
    expect(changes).toEqual([]);
    // Fixing the file is picked up.
    await writeFile(file, JSON.stringify(validRaw(), null, 2).replace('"main"', '"fixed"'));
    await waitFor(() => changes.length > 0, "a reload after the fix");
    expect(repo.get().groups[0]!.name).toBe("fixed");
    expect(problems).toHaveLength(1);
  });

  it("loads an edit saved after the file was opened and before watching began", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    const edited = validRaw();
    edited.groups[0]!.active = false;
    await writeFile(file, JSON.stringify(edited, null, 2));
    repo.watch();
    await waitFor(() => changes.length > 0, "the edit saved before watching", 2_000);
    expect(changes.map((c) => c.cause)).toEqual(["reload"]);
    expect(repo.get().groups[0]!.active).toBe(false);
  });

  it("does not treat its own saves as hand edits", async () => {
    const repo = await openRepo();
    const { changes } = record(repo);
    repo.watch();
    await repo.update((draft) => {
      draft.groups[0]!.active = false;
    });
    const reloaded = await repo.reload();
    expect(reloaded).toEqual({ ok: true, changed: false });
    expect(changes.map((c) => c.cause)).toEqual(["update"]);
  });
});
