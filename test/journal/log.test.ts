import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatEntry } from "../../data/journal/format.js";
import { journalPathFor } from "../../data/journal/paths.js";
import { JournalWriter } from "../../data/journal/writer.js";
import { UserError } from "../../data/userError.js";
import { createLogCommand, logCommand, parseSince } from "../../src/cli/commands/log.js";
import { tempDir, waitFor } from "./helpers.js";

let cleanup: () => Promise<void>;
let configPath: string;
let journal: string;

beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  configPath = join(dir, "config.json");
  journal = journalPathFor(configPath);
});
afterEach(() => cleanup());

const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

async function seed(): Promise<void> {
  const w = await JournalWriter.open(journal);
  w.append({
    type: "leaderFill",
    at: T0,
    group: "G",
    leader: "LEAD1",
    key: "sim:1",
    side: "Buy",
    qty: 2,
    contract: "ESZ6",
    price: 5000.25,
    positionBefore: 0,
    positionAfter: 2,
  });
  w.append({
    type: "copy",
    at: T0 + 1000,
    follower: "F1",
    outcome: "sent",
    kind: "open",
    side: "Buy",
    qty: 1,
    contract: "ESZ6",
    reason: "multiplier 0.5",
    latencyMs: 0.4321,
  });
  w.append({
    type: "copy",
    at: T0 + 2000,
    follower: "F2",
    outcome: "skipped",
    contract: "ESZ6",
    reason: "locked",
  });
  await w.close();
}

function run(argv: string[], command = logCommand, columns?: number) {
  const stdout = Object.assign(new PassThrough(), columns === undefined ? {} : { columns });
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const code = command.run({ argv, stdout, stderr, env: {}, cwd: "/", isTTY: columns !== undefined });
  return { code, out: () => out, err: () => err };
}

describe("mimik log", () => {
  it("prints readable lines: time, type, who, what, reason", async () => {
    await seed();
    const r = run(["--config", configPath]);
    expect(await r.code).toBe(0);
    const lines = r.out().trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^2026-11-23 14:00:00.000Z +leaderFill +LEAD1 +Buy 2 ESZ6 @ 5000.25 \(position 0 -> 2\)$/,
    );
    expect(lines[1]).toMatch(/copy +F1 +sent open Buy 1 ESZ6 in 0.43 ms \(multiplier 0.5\)$/);
    expect(lines[2]).toMatch(/copy +F2 +skipped ESZ6 \(locked\)$/);
  });

  it("leaves the minute's day P&L samples out unless --type asks for them", async () => {
    await seed();
    const w = await JournalWriter.open(journal);
    w.append({ type: "risk", at: T0 + 3000, follower: "F1", dayPnl: -12.5, netLiq: 49_987.5 });
    await w.close();
    const plain = run(["--config", configPath]);
    expect(await plain.code).toBe(0);
    expect(plain.out().split("\n").filter(Boolean)).toHaveLength(3);
    expect(plain.out()).not.toContain("risk");

    const risk = run(["--config", configPath, "--type", "risk"]);
    expect(await risk.code).toBe(0);
    expect(risk.out().trim().split("\n")).toEqual([expect.stringMatching(/risk +F1 +dayPnl=-12\.5/)]);

    const two = run(["--config", configPath, "--type", "LeaderFill, risk", "--json"]);
    expect(await two.code).toBe(0);
    expect(
      two
        .out()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).type),
    ).toEqual(["leaderFill", "risk"]);
  });

  it("still shows every other type unasked, the journal's own repair notes and unknown types included", async () => {
    await seed();
    const w = await JournalWriter.open(journal);
    w.append({ type: "journalAnchor", at: T0 + 3000, reason: "chain end unanchored" });
    w.append({ type: "somethingOlder", at: T0 + 4000 });
    await w.close();
    const plain = run(["--config", configPath, "--json"]);
    expect(await plain.code).toBe(0);
    const types = plain
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).type);
    expect(types).toEqual(["leaderFill", "copy", "copy", "journalAnchor", "somethingOlder"]);
    const only = run(["--config", configPath, "--type", "journalAnchor"]);
    expect(await only.code).toBe(0);
    expect(only.out()).toContain("journalAnchor");
  });

  it("refuses a --type the journal never holds, naming the types it does", async () => {
    await seed();
    await expect(run(["--config", configPath, "--type", "fills"]).code).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /"fills" is not a journal entry type; use one or more of leaderFill, copy/,
      ),
    });
  });

  it("folds a line at spaces on an 80-column terminal, where it wrapped mid-word", async () => {
    await seed();
    const r = run(["--config", configPath], logCommand, 80);
    expect(await r.code).toBe(0);
    const lines = r.out().trimEnd().split("\n");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^2026-11-23 14:00:00.000Z +leaderFill +LEAD1 +Buy 2 ESZ6 @ 5000.25$/);
    expect(lines[1]).toBe("    (position 0 -> 2)");
    expect(lines[2]).toMatch(/copy +F1 +sent open Buy 1 ESZ6$/);
    expect(lines[3]).toBe("    in 0.43 ms (multiplier 0.5)");
  });

  it("prints raw JSON with --json and filters by --follower and --since", async () => {
    await seed();
    const r = run(["--config", configPath, "--json", "--follower", "F1"]);
    expect(await r.code).toBe(0);
    const lines = r.out().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 2, follower: "F1" });
    expect(lines[0]).toBe((await readFile(journal, "utf8")).split("\n")[1]);

    const since = run(["--config", configPath, "--since", "2026-11-23T14:00:01Z"]);
    expect(await since.code).toBe(0);
    expect(since.out().trimEnd().split("\n")).toHaveLength(2);
  });

  /** The seed's leader and followers in a config: LEAD1 leads F1 (labelled half) and F2. */
  async function writeConfig(): Promise<void> {
    const account = (name: string, label?: string) => ({
      name,
      connection: "sim",
      ...(label ? { label } : {}),
    });
    await writeFile(
      configPath,
      JSON.stringify({
        version: 1,
        connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "MIMIK_LOG_PW" } }],
        accounts: [account("LEAD1"), account("F1", "half"), account("F2")],
        groups: [
          {
            name: "G",
            leader: "LEAD1",
            followers: [
              { account: "F1", sizing: { mode: "multiplier", value: 0.5 } },
              { account: "F2", sizing: { mode: "fixed", contracts: 1 } },
            ],
          },
        ],
      }),
    );
  }

  it("--follower shows the broker busting that follower's own fill (a bust names its account)", async () => {
    await seed();
    const w = await JournalWriter.open(journal);
    // As the engine journals it (engine/copier/bustedFill.ts): account, not follower.
    w.append({
      type: "bust",
      at: T0 + 3000,
      account: "F1",
      fillId: 77,
      orderId: 76,
      contract: "ESZ6",
      side: "Buy",
      qty: 1,
      price: 5000.5,
      key: "bust:sim:77",
    });
    w.append({
      type: "bust",
      at: T0 + 4000,
      account: "F2",
      fillId: 78,
      orderId: 79,
      contract: "ESZ6",
      side: "Buy",
      qty: 1,
      price: 5000.5,
      key: "bust:sim:78",
    });
    await w.close();
    const r = run(["--config", configPath, "--json", "--follower", "F1"]);
    expect(await r.code).toBe(0);
    const lines = r
      .out()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((e) => [e.type, e.fillId])).toEqual([
      ["copy", undefined],
      ["bust", 77],
    ]);
  });

  it("--follower takes the follower's label or its name in any case, as the other commands do", async () => {
    await seed();
    await writeConfig();
    for (const typed of ["half", "HALF", "f1"]) {
      const r = run(["--config", configPath, "--json", "--follower", typed]);
      expect(await r.code).toBe(0);
      expect(
        r
          .out()
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line).follower),
      ).toEqual(["F1"]);
    }
  });

  it("--follower with a name neither the config nor the journal knows says so and exits 1, not an empty log", async () => {
    await seed();
    await writeConfig();
    const typo = run(["--config", configPath, "--follower", "hlaf"]);
    expect(await typo.code).toBe(1);
    expect(typo.out()).toBe("");
    expect(typo.err()).toBe(
      'mimik log: no follower named "hlaf" in the config or the journal; did you mean F1 (half)? (followers: F1 (half), F2)\n',
    );
    // A follower the config no longer has is still found in the journal, and a known one with
    // nothing in the range is no mistake.
    await writeFile(configPath, (await readFile(configPath, "utf8")).replaceAll('"F2"', '"F3"'));
    const removed = run(["--config", configPath, "--follower", "F2"]);
    expect(await removed.code).toBe(0);
    expect(removed.out()).toContain("locked");
    const quiet = run(["--config", configPath, "--follower", "F3"]);
    expect([await quiet.code, quiet.err()]).toEqual([0, ""]);
  });

  it("takes the config from MIMIK_CONFIG too", async () => {
    await seed();
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const code = await logCommand.run({
      argv: ["--verify"],
      stdout,
      stderr: new PassThrough(),
      env: { MIMIK_CONFIG: configPath },
      cwd: "/",
      isTTY: false,
    });
    expect(code).toBe(0);
    expect(out).toBe("journal OK: 3 lines\n");
  });

  it("--verify exits 1 and names the first broken line after an edit", async () => {
    await seed();
    const text = await readFile(journal, "utf8");
    await writeFile(journal, text.replace('"qty":2', '"qty":20'));
    const r = run(["--config", configPath, "--verify"]);
    expect(await r.code).toBe(1);
    expect(r.out()).toBe(
      `journal BROKEN at ${journal} line 2: ${"prev hash does not match the line before it (seq 1): that line was edited, or a line was removed"}\n`,
    );
  });

  it("--verify exits 1 and says what is wrong with the end when the last lines were cut", async () => {
    await seed();
    const text = await readFile(journal, "utf8");
    await writeFile(journal, `${text.split("\n").slice(0, 2).join("\n")}\n`);
    const r = run(["--config", configPath, "--verify"]);
    expect(await r.code).toBe(1);
    expect(r.out()).toBe(
      "journal BROKEN: truncated: the journal ends at seq 2 but 3 lines were written, so the last line is missing\n",
    );
  });

  it("--verify prints what it noticed that is not damage after the verdict", async () => {
    await seed();
    await appendFile(journal, '{"seq":4,"at"');
    const r = run(["--config", configPath, "--verify"]);
    expect(await r.code).toBe(0);
    expect(r.out()).toBe(
      `journal OK: 3 lines\nnote: ${journal} line 4 is incomplete (no newline): a write in progress, or a crash\n`,
    );
  });

  it("says so when there is no journal yet", async () => {
    const r = run(["--config", configPath]);
    expect(await r.code).toBe(0);
    expect(r.err()).toContain(`no journal yet at ${journal}`);
  });

  it("refuses --verify with other options and a bad --since, as usage errors", async () => {
    await expect(run(["--config", configPath, "--verify", "--follow"]).code).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(run(["--config", configPath, "--since", "yesterday-ish"]).code).rejects.toBeInstanceOf(
      UserError,
    );
    await expect(run(["--bogus"]).code).rejects.toMatchObject({ exitCode: 2 });
  });

  it("--follow prints the recent backlog, then new entries, and stops on abort", async () => {
    await seed();
    const controller = new AbortController();
    const command = createLogCommand({ signal: controller.signal, pollMs: 10 });
    const r = run(["--config", configPath, "--follow", "--json"], command);
    await waitFor(() => r.out().split("\n").length > 3);
    const w = await JournalWriter.open(journal);
    w.append({ type: "followerState", follower: "F1", state: "LOCKED", reason: "daily loss" });
    await w.close();
    await waitFor(() => r.out().includes("LOCKED"));
    controller.abort();
    expect(await r.code).toBe(0);
    const seqs = r
      .out()
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
  });
});

describe("parseSince", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it("reads durations and dates", () => {
    expect(parseSince("90m", now).getTime()).toBe(now - 90 * 60_000);
    expect(parseSince("2h", now).getTime()).toBe(now - 2 * 3_600_000);
    expect(parseSince("1d", now).getTime()).toBe(now - 86_400_000);
    expect(parseSince("2026-11-23T14:00:00Z", now).toISOString()).toBe("2026-11-23T14:00:00.000Z");
  });
  it("refuses nonsense with a usage error that shows the forms", () => {
    expect(() => parseSince("soon", now)).toThrow(/90m, 2h or 1d/);
  });
  it("a date alone is local midnight, as a date and time without Z is local", () => {
    const before = process.env.TZ;
    process.env.TZ = "Asia/Tokyo";
    try {
      expect(parseSince("2026-11-23", now).toISOString()).toBe("2026-11-22T15:00:00.000Z");
      expect(parseSince("2026-11-23T14:00", now).toISOString()).toBe("2026-11-23T05:00:00.000Z");
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
  it.each(["45", "10", "Nov 23"])(
    "%s is a usage error, not a year (2045, 2001) that shows nothing or everything",
    (value) => {
      expect(() => parseSince(value, now)).toThrow(UserError);
    },
  );
});

describe("formatEntry", () => {
  it("shows an exit pending's next try as a time, not epoch milliseconds", () => {
    const pending = {
      seq: 74,
      at: "2026-12-02T13:31:37.634Z",
      type: "exitPending",
      prev: "0".repeat(64),
      group: "G",
      follower: "DEMO2002",
      contract: "ESZ6",
      has: 1,
      goal: 0,
      attempts: 1,
    };
    expect(
      formatEntry({ ...pending, pending: true, reason: "UnknownReason: nope", nextTryAt: 1796218298634 }),
    ).toBe(
      "2026-12-02 13:31:37.634Z  exitPending      DEMO2002       ESZ6 EXIT PENDING: has +1, rule says 0; 1 try failed, next at 2026-12-02 13:31:38.634Z (UnknownReason: nope)",
    );
    expect(formatEntry({ ...pending, pending: false, has: 0, attempts: 3, reason: "done" })).toBe(
      "2026-12-02 13:31:37.634Z  exitPending      DEMO2002       ESZ6 exit ended: has 0, rule says 0; 3 tries failed (done)",
    );
  });

  it("shows unknown types as key=value and never passes control characters through", () => {
    const line = formatEntry({
      seq: 9,
      at: "2026-11-23T14:00:00.000Z",
      type: "configChange",
      prev: "0".repeat(64),
      group: "G\u001b[2J",
      field: "whitelist",
    });
    expect(line).toBe("2026-11-23 14:00:00.000Z  configChange     G?[2J          field=whitelist");
  });
});
