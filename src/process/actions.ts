import type { Config, Follower, Group } from "../../data/schema.js";
import type {
  EngineCommand,
  EngineEvent,
  FlattenTarget,
  Outcome,
  SyncStatusEvent,
} from "../../engine/index.js";
import { AccountDirectory, REFUSALS } from "../../engine/index.js";
import type { ConfigHolder } from "../app/configHolder.js";

/**
 * The one command path. The console's keys, the control socket's requests and the CLI's direct
 * flatten all call these, and all get the same structured Outcomes back. Engine commands go to the
 * engine (in its own thread, or a short-lived one); config edits go through the config holder,
 * whose subscribers hand the new config to the engine.
 */
export interface Actions {
  flatten(target: FlattenTarget, options?: FlattenOptions): Promise<Outcome[]>;
  lock(follower: string): Promise<Outcome>;
  unlock(follower: string, force?: boolean): Promise<Outcome>;
  resync(follower: string): Promise<Outcome>;
  setGroupActive(group: string, active: boolean): Promise<Outcome>;
  setFollowerEnabled(group: string, account: string, enabled: boolean): Promise<Outcome>;
  saveGroup(original: string | undefined, group: Group): Promise<Outcome>;
  saveFollower(group: string, original: string | undefined, follower: Follower): Promise<Outcome>;
  deleteGroup(group: string): Promise<Outcome>;
  deleteFollower(group: string, account: string): Promise<Outcome>;
}

export interface FlattenOptions {
  /** Lock reason; default "manual". */
  reason?: string;
  /**
   * Wait this long for followers that are still liquidating to be reported LOCKED, so the caller
   * can say "flat; locked" (the CLI's exit code depends on it). Default 0: answer at once.
   */
  waitLockedMs?: number;
}

export interface ActionsDeps {
  engine: { execute(command: EngineCommand): Promise<Outcome[]> };
  holder: ConfigHolder;
  /** Engine events, for waiting until a flattened follower is reported LOCKED. */
  events: (listener: (event: EngineEvent) => void) => () => void;
}

/** What a pause or resume of a group already so says. */
const ALREADY = {
  paused: "already paused: no new openings; exits still follow",
  resumed: "already copying",
} as const;

export function createActions({ engine, holder, events }: ActionsDeps): Actions {
  const one = async (command: EngineCommand): Promise<Outcome> => {
    const [outcome] = await engine.execute(command);
    return outcome ?? { target: "follower" in command ? command.follower : "?", status: "refused" };
  };

  // What a person typed (any case, a label) becomes the config's own names here, once, through the
  // same account directory the engine uses; the edits below compare names with ===.
  const directory = new AccountDirectory();
  const resolve = (group: string, account?: string) => {
    directory.setConfig(holder.get());
    const g = directory.findGroup(group);
    const name = account === undefined ? undefined : directory.find(account);
    const follower = g?.followers.find((f) => f.account === name);
    return { group: g?.name, follower: follower?.account };
  };

  /**
   * A config edit: refused when the target does not exist, failed when it cannot be saved. The
   * names were resolved from the config in force, but the update runs on the file as it is now:
   * a hand edit saved before the watcher's re-read (a group renamed, a follower removed) is loaded
   * first. `mutate` says why it changed nothing when its target is gone from that draft; doing
   * nothing and answering "disabled" or "removed" would leave the trader sure of what is not so.
   */
  const edit = async (
    target: string,
    done: Outcome["status"],
    found: boolean,
    mutate: (draft: Config) => string | undefined,
    missing: string = REFUSALS.noSuchGroup,
    /** What was done, when "saved" would not say it (a removal). */
    said?: string,
  ): Promise<Outcome> => {
    if (!found) return { target, status: "refused", reason: missing };
    let gone: string | undefined;
    const result = await holder.update((draft) => {
      gone = mutate(draft);
    });
    if (!result.ok) return { target, status: "failed", reason: result.message };
    if (gone !== undefined) return { target, status: "refused", reason: gone };
    return said === undefined ? { target, status: done } : { target, status: done, reason: said };
  };
  const groupIn = (draft: Config, name: string | undefined) => draft.groups.find((g) => g.name === name);
  /** The follower in the draft, or why it is not there (its group or itself gone since). */
  const followerIn = (draft: Config, group: string | undefined, account: string | undefined) => {
    const g = groupIn(draft, group);
    if (!g) return { gone: REFUSALS.noSuchGroup } as const;
    const at = g.followers.findIndex((f) => f.account === account);
    return at < 0 ? ({ gone: REFUSALS.notFollower } as const) : { g, at };
  };

  return {
    async flatten(target, options = {}) {
      const wait = options.waitLockedMs ?? 0;
      if (wait <= 0) return engine.execute({ cmd: "flatten", target, reason: options.reason });
      // Listening before the command: a follower already flat may be reported LOCKED before the answer.
      const locked = lockedSince(events);
      const outcomes = await engine.execute({ cmd: "flatten", target, reason: options.reason });
      return locked.until(outcomes, wait);
    },
    lock: (follower) => one({ cmd: "lock", follower }),
    async unlock(follower, force = false) {
      // What it comes back out of sync on is said before the answer (the engine sends the events a
      // command caused first): listened for from before the command, read for its target after.
      const said: SyncStatusEvent[] = [];
      const off = events((e) => {
        if (e.type === "syncStatus") said.push(e);
      });
      const outcome = await one({ cmd: "unlock", follower, force }).finally(off);
      const last = new Map(said.filter((e) => e.follower === outcome.target).map((e) => [e.contract, e]));
      const out = [...last.values()].filter((s) => !s.inSync);
      if (outcome.status !== "unlocked" || out.length === 0) return outcome;
      return { ...outcome, outOfSync: out.map(({ contract, has, expects }) => ({ contract, has, expects })) };
    },
    resync: (follower) => one({ cmd: "resync", follower }),
    setGroupActive(typed, active) {
      const { group } = resolve(typed);
      const status = active ? "resumed" : "paused";
      // A second pause (or resume) changes nothing: saying "paused" again reads as if it had. Judged
      // on the file the edit is saved to: one paused by hand, not re-read yet, is resumed.
      let already = false;
      const outcome = edit(group ?? typed, status, group !== undefined, (draft) => {
        const g = groupIn(draft, group);
        if (!g) return REFUSALS.noSuchGroup;
        already = g.active === active;
        g.active = active;
        return undefined;
      });
      return outcome.then((o) => (already && o.status === status ? { ...o, reason: ALREADY[status] } : o));
    },
    setFollowerEnabled(typedGroup, typedAccount, enabled) {
      const { group, follower } = resolve(typedGroup, typedAccount);
      return edit(
        follower ?? typedAccount,
        enabled ? "enabled" : "disabled",
        follower !== undefined,
        (draft) => {
          const at = followerIn(draft, group, follower);
          if ("gone" in at) return at.gone;
          at.g.followers[at.at]!.enabled = enabled;
          return undefined;
        },
        REFUSALS.notFollower,
      );
    },
    saveGroup(original, next) {
      const { group } = original === undefined ? { group: undefined } : resolve(original);
      return edit(next.name, "saved", original === undefined || group !== undefined, (draft) => {
        if (group === undefined) {
          draft.groups.push(next);
          return undefined;
        }
        // An edit of a group renamed or deleted by hand since is not made a new group of that name.
        const at = draft.groups.findIndex((g) => g.name === group);
        const now = draft.groups[at];
        if (!now) return REFUSALS.noSuchGroup;
        draft.groups[at] = keepUnedited(next, now);
        return undefined;
      });
    },
    saveFollower(typedGroup, original, next) {
      const { group, follower } = resolve(typedGroup, original);
      return edit(
        next.account,
        "saved",
        group !== undefined && (original === undefined || follower !== undefined),
        (draft) => {
          if (follower === undefined) {
            const g = groupIn(draft, group);
            if (!g) return REFUSALS.noSuchGroup;
            g.followers.push(next);
            return undefined;
          }
          // An edit of a follower removed by hand since does not add it back.
          const at = followerIn(draft, group, follower);
          if ("gone" in at) return at.gone;
          at.g.followers[at.at] = next;
          return undefined;
        },
        group === undefined ? REFUSALS.noSuchGroup : REFUSALS.notFollower,
      );
    },
    deleteGroup(typed) {
      const { group } = resolve(typed);
      return edit(
        group ?? typed,
        "saved",
        group !== undefined,
        (draft) => {
          if (!groupIn(draft, group)) return REFUSALS.noSuchGroup;
          draft.groups = draft.groups.filter((g) => g.name !== group);
          return undefined;
        },
        REFUSALS.noSuchGroup,
        "deleted",
      );
    },
    deleteFollower(typedGroup, typedAccount) {
      const { group, follower } = resolve(typedGroup, typedAccount);
      return edit(
        follower ?? typedAccount,
        "saved",
        follower !== undefined,
        (draft) => {
          const at = followerIn(draft, group, follower);
          if ("gone" in at) return at.gone;
          at.g.followers.splice(at.at, 1);
          return undefined;
        },
        REFUSALS.notFollower,
        `removed from ${group}`,
      );
    },
  };
}

/**
 * What a group save does not edit, as the config has it now: `next` was made from the group as it
 * was when the form opened, and the file may have been edited since (a follower added by hand).
 */
function keepUnedited(next: Group, now: Group): Group {
  const kept: Group = { ...next, followers: now.followers };
  for (const key of ["late", "expectedOrdersPerHour", "windows"] as const) {
    if (now[key] === undefined) delete kept[key];
    else Object.assign(kept, { [key]: now[key] });
  }
  return kept;
}

/**
 * Followers reported LOCKED from now on; until() upgrades the "liquidating" outcomes to "locked"
 * as each one is, for up to `ms`, then stops listening.
 */
function lockedSince(events: ActionsDeps["events"]) {
  const locked = new Set<string>();
  let changed: (() => void) | undefined;
  const off = events((event) => {
    if (event.type !== "followerState" || event.state !== "LOCKED") return;
    locked.add(event.follower);
    changed?.();
  });
  return {
    until(outcomes: Outcome[], ms: number): Promise<Outcome[]> {
      const settle = () =>
        outcomes.map((o) =>
          o.status === "liquidating" && locked.has(o.target) ? { ...o, status: "locked" as const } : o,
        );
      const pending = () => outcomes.some((o) => o.status === "liquidating" && !locked.has(o.target));
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          off();
          resolve(settle());
        };
        const timer = setTimeout(finish, pending() ? ms : 0);
        changed = () => {
          if (!pending()) finish();
        };
      });
    },
  };
}

/**
 * Actions that wait for the real ones: the console is drawn (and takes keys) before the engine's
 * thread is ready; a command given in that moment runs as soon as it is.
 */
export function deferredActions(ready: Promise<Actions>): Actions {
  return {
    flatten: (target, options) => ready.then((a) => a.flatten(target, options)),
    lock: (follower) => ready.then((a) => a.lock(follower)),
    unlock: (follower, force) => ready.then((a) => a.unlock(follower, force)),
    resync: (follower) => ready.then((a) => a.resync(follower)),
    setGroupActive: (group, active) => ready.then((a) => a.setGroupActive(group, active)),
    setFollowerEnabled: (group, account, enabled) =>
      ready.then((a) => a.setFollowerEnabled(group, account, enabled)),
    saveGroup: (original, group) => ready.then((a) => a.saveGroup(original, group)),
    saveFollower: (group, original, follower) => ready.then((a) => a.saveFollower(group, original, follower)),
    deleteGroup: (group) => ready.then((a) => a.deleteGroup(group)),
    deleteFollower: (group, account) => ready.then((a) => a.deleteFollower(group, account)),
  };
}
