import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import {
  BINDINGS,
  type CommandId,
  type KeyContext,
  MODAL_SCOPES,
  type Scope,
} from "../../src/screen/bindings.js";
import {
  bindingsFor,
  confirmText,
  disabledWhy,
  elsewhere,
  helpRows,
  hintsFor,
  keyName,
  resolveBinding,
  resolveKey,
} from "../../src/screen/keymap.js";

const SCOPES: Scope[] = ["global", "groups", "followers", "fills", "alerts", "form", "confirm", "help"];

const ctx: KeyContext = {
  selectedGroup: { name: "NQ Scalps", active: true, followerCount: 3 },
  selectedFollower: { account: "FOLL1", label: "Mike", enabled: true, state: "LOCKED", outOfSync: true },
  totalFollowers: 4,
  groupCount: 2,
};
const empty: KeyContext = { totalFollowers: 0, groupCount: 0 };

const k = (over: Partial<Key> = {}): Partial<Key> => over;

describe("keymap table", () => {
  it.each(SCOPES)("binds no key twice in scope %s (global bindings included)", (scope) => {
    const seen = new Map<string, CommandId>();
    for (const b of bindingsFor(scope)) {
      for (const key of b.keys) {
        const prior = seen.get(key);
        expect(prior, `"${key}" is bound to ${prior} and ${b.command} in ${scope}`).toBeUndefined();
        seen.set(key, b.command);
      }
    }
  });

  it("describes every command with a label", () => {
    for (const b of BINDINGS) expect(b.label.trim().length, b.command).toBeGreaterThan(0);
  });

  it("flags the commands that flatten, delete or send orders as dangerous", () => {
    const dangerous = new Set(BINDINGS.filter((b) => b.danger).map((b) => b.command));
    for (const c of [
      "follower.flatten",
      "group.flatten",
      "flatten.all",
      "follower.resync",
      "group.delete",
      "follower.delete",
    ] as const)
      expect(dangerous.has(c), c).toBe(true);
    expect(dangerous.has("follower.toggle")).toBe(false);
  });

  it("has a confirm question for every dangerous pane command", () => {
    for (const b of BINDINGS.filter((x) => x.danger && !x.scopes.includes("confirm")))
      expect(confirmText(b.command, ctx), b.command).toMatch(/\?/);
  });

  it("keeps global keys out of forms and questions, except Ctrl+C", () => {
    for (const scope of MODAL_SCOPES) {
      const keys = bindingsFor(scope).flatMap((b) => b.keys);
      expect(keys).not.toContain("!");
      expect(keys).toContain("ctrl+c");
    }
    expect(resolveKey("q", k(), "form", ctx)).toBeUndefined();
    expect(resolveKey("c", k({ ctrl: true }), "form", ctx)).toBe("quit");
  });
});

describe("keyName", () => {
  it("names Ink's keys", () => {
    expect(keyName("", k({ upArrow: true }))).toBe("up");
    expect(keyName("", k({ tab: true }))).toBe("tab");
    expect(keyName("", k({ tab: true, shift: true }))).toBe("shift+tab");
    expect(keyName("c", k({ ctrl: true }))).toBe("ctrl+c");
    expect(keyName(" ", k())).toBe("space");
    expect(keyName("F", k({ shift: true }))).toBe("F");
    expect(keyName("", k({ escape: true, meta: true }))).toBe("escape");
    expect(keyName("abc", k())).toBeUndefined();
  });
});

describe("resolveKey", () => {
  it("maps the design's keys to commands in the focused pane", () => {
    expect(resolveKey("j", k(), "followers", ctx)).toBe("cursor.down");
    expect(resolveKey("", k({ downArrow: true }), "groups", ctx)).toBe("cursor.down");
    expect(resolveKey("", k({ tab: true }), "fills", ctx)).toBe("focus.next");
    expect(resolveKey(" ", k(), "followers", ctx)).toBe("follower.toggle");
    expect(resolveKey("a", k(), "groups", ctx)).toBe("group.toggle");
    expect(resolveKey("f", k(), "followers", ctx)).toBe("follower.flatten");
    expect(resolveKey("F", k({ shift: true }), "followers", ctx)).toBe("group.flatten");
    expect(resolveKey("!", k(), "alerts", ctx)).toBe("flatten.all");
    expect(resolveKey("u", k(), "followers", ctx)).toBe("follower.unlock");
    expect(resolveKey("r", k(), "followers", ctx)).toBe("follower.resync");
    expect(resolveKey("n", k(), "groups", ctx)).toBe("group.new");
    expect(resolveKey("n", k(), "followers", ctx)).toBe("follower.new");
    expect(resolveKey("?", k(), "fills", ctx)).toBe("help.open");
    expect(resolveKey("q", k(), "groups", ctx)).toBe("quit");
    expect(resolveKey("y", k(), "confirm", ctx)).toBe("confirm.yes");
    expect(resolveKey("", k({ return: true }), "confirm", ctx)).toBe("confirm.no");
    expect(resolveKey("x", k(), "followers", ctx)).toBeUndefined();
  });

  it("returns nothing for a disabled command, and resolveBinding says why", () => {
    expect(resolveKey("f", k(), "followers", empty)).toBeUndefined();
    expect(resolveBinding("f", k(), "followers", empty)?.disabled).toBe("no follower selected");
    const inSync = {
      ...ctx,
      selectedFollower: { ...ctx.selectedFollower!, outOfSync: false, state: "ACTIVE" as const },
    };
    expect(disabledWhy("follower.resync", inSync)).toBe("follower is in sync");
    // One standing aside follows exits only: not "in sync" beside a long leader, but why.
    const locked = { ...inSync, selectedFollower: { ...inSync.selectedFollower, state: "LOCKED" as const } };
    expect(disabledWhy("follower.resync", locked)).toBe(
      "follower LOCKED: it follows exits only (u unlocks it)",
    );
    const off = { ...inSync, selectedFollower: { ...inSync.selectedFollower, enabled: false } };
    expect(disabledWhy("follower.resync", off)).toBe(
      "follower disabled: it follows exits only (space switches it on)",
    );
    const paused = { ...inSync, selectedGroup: { name: "g", active: false, followerCount: 1 } };
    expect(disabledWhy("follower.resync", paused)).toBe(
      "group paused: its followers follow exits only (a resumes it)",
    );
    const brokerLocked = {
      ...inSync,
      selectedFollower: {
        ...inSync.selectedFollower,
        state: "LIQ-ONLY" as const,
        stateReason: "broker lock",
      },
    };
    expect(disabledWhy("follower.resync", brokerLocked)).toBe(
      "the broker holds the account liquidation-only: it follows exits only",
    );
    expect(disabledWhy("follower.unlock", inSync)).toBe("follower is not locked");
    expect(disabledWhy("flatten.all", empty)).toBe("no followers to flatten");
  });
});

describe("hints, help and questions", () => {
  it("puts the pane's own commands first in the hint bar and marks disabled ones", () => {
    const hints = hintsFor("followers", empty);
    expect(hints[0]?.label).toBe("Follower on/off");
    expect(hints.find((h) => h.keys === "f")?.disabled).toBe("no follower selected");
    expect(hints.at(-1)?.label).toBe("Quit");
  });

  it("lists every command in the help overlay once per section", () => {
    const rows = helpRows();
    // A binding with no key is a question another key asks (form.saveAsked): nothing to press. A
    // view that names its own keys on its hint bar (the report) keeps them out of the overlay.
    const commands = new Set(
      BINDINGS.filter((b) => b.keys.length > 0 && b.help !== false).map((b) => b.label),
    );
    expect(rows.some((r) => r.section === "Report view")).toBe(false);
    expect(rows.find((r) => r.label === "Report")?.keys).toBe("p");
    for (const label of commands)
      expect(
        rows.some((r) => r.label === label),
        label,
      ).toBe(true);
    expect(rows.find((r) => r.label === "Quit")?.keys).toBe("q/^C");
    expect(rows.find((r) => r.label === "Flatten+lock")?.danger).toBe(true);
  });

  it("names what a dangerous command will do", () => {
    expect(confirmText("group.flatten", ctx)).toBe("Flatten and lock 3 followers of NQ Scalps?");
    expect(confirmText("follower.flatten", ctx)).toBe("Flatten and lock Mike (FOLL1) in NQ Scalps?");
    expect(confirmText("flatten.all", ctx)).toBe("Flatten and lock ALL 4 followers in 2 groups?");
    expect(confirmText("quit", ctx)).toBeUndefined();
  });
});

describe("a key pressed in the wrong pane says where it works", () => {
  it.each([
    ["groups", "r", "Resync: in the Followers pane (Tab moves there)"],
    ["groups", " ", "Follower on/off: in the Followers pane (Tab moves there)"],
    ["groups", "u", "Unlock: in the Followers pane (Tab moves there)"],
    ["fills", "n", "n: in the Groups or Followers pane (Tab moves there)"],
    ["alerts", "f", "Flatten+lock: in the Followers pane (Tab moves there)"],
    ["groups", "\r", "Enter: in the Live fills or Locks & alerts pane (Tab moves there)"],
    ["groups", "z", undefined],
    ["form", "r", undefined],
    ["confirm", "u", undefined],
  ] as const)("%s pane, %j → %s", (scope, input, said) => {
    const key = input === "\r" ? k({ return: true }) : k();
    expect(elsewhere(input === "\r" ? "" : input, key, scope)).toBe(said);
  });

  it("names, for every pane key, the binding's own label when one pane takes it", () => {
    for (const b of BINDINGS.filter((b) => b.scopes.length === 1 && b.scopes[0] === "followers"))
      for (const name of b.keys.filter((n) => n.length === 1))
        expect(elsewhere(name, k(), "fills")).toMatch(/in the (.* or )?Followers( or .*)? pane/);
  });
});
