import type { Config, Follower, Group } from "../../data/schema.js";
import type { EngineCommand, EngineEvent, FlattenTarget, Outcome } from "../../engine/index.js";
import { REFUSALS } from "../../engine/index.js";
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

const same = (a: string, b: string) => a.toUpperCase() === b.trim().toUpperCase();

export function createActions({ engine, holder, events }: ActionsDeps): Actions {
  const one = async (command: EngineCommand): Promise<Outcome> => {
    const [outcome] = await engine.execute(command);
    return outcome ?? { target: "follower" in command ? command.follower : "?", status: "refused" };
  };

  /** A config edit: refused when the target does not exist, failed when it cannot be saved. */
  const edit = async (
    target: string,
    done: Outcome["status"],
    exists: (config: Config) => boolean,
    mutate: (draft: Config) => void,
    missing: string = REFUSALS.noSuchGroup,
  ): Promise<Outcome> => {
    if (!exists(holder.get())) return { target, status: "refused", reason: missing };
    const result = await holder.update(mutate);
    return result.ok ? { target, status: done } : { target, status: "failed", reason: result.message };
  };
  const groupOf = (config: Config, name: string) => config.groups.find((g) => same(g.name, name));
  const followerOf = (config: Config, group: string, account: string) =>
    groupOf(config, group)?.followers.find((f) => same(f.account, account));

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
    unlock: (follower, force = false) => one({ cmd: "unlock", follower, force }),
    resync: (follower) => one({ cmd: "resync", follower }),
    setGroupActive: (group, active) =>
      edit(
        groupOf(holder.get(), group)?.name ?? group,
        active ? "resumed" : "paused",
        (c) => groupOf(c, group) !== undefined,
        (draft) => {
          const g = groupOf(draft, group);
          if (g) g.active = active;
        },
      ),
    setFollowerEnabled: (group, account, enabled) =>
      edit(
        account,
        enabled ? "enabled" : "disabled",
        (c) => followerOf(c, group, account) !== undefined,
        (draft) => {
          const f = followerOf(draft, group, account);
          if (f) f.enabled = enabled;
        },
        REFUSALS.notFollower,
      ),
    saveGroup: (original, group) =>
      edit(
        group.name,
        "saved",
        (c) => original === undefined || groupOf(c, original) !== undefined,
        (draft) => {
          const at = original ? draft.groups.findIndex((g) => same(g.name, original)) : -1;
          if (at >= 0) draft.groups[at] = group;
          else draft.groups.push(group);
        },
      ),
    saveFollower: (group, original, follower) =>
      edit(
        follower.account,
        "saved",
        (c) =>
          groupOf(c, group) !== undefined &&
          (original === undefined || followerOf(c, group, original) !== undefined),
        (draft) => {
          const g = groupOf(draft, group);
          if (!g) return;
          const at = original ? g.followers.findIndex((f) => same(f.account, original)) : -1;
          if (at >= 0) g.followers[at] = follower;
          else g.followers.push(follower);
        },
      ),
    deleteGroup: (group) =>
      edit(
        groupOf(holder.get(), group)?.name ?? group,
        "saved",
        (c) => groupOf(c, group) !== undefined,
        (draft) => {
          draft.groups = draft.groups.filter((g) => !same(g.name, group));
        },
      ),
    deleteFollower: (group, account) =>
      edit(
        account,
        "saved",
        (c) => followerOf(c, group, account) !== undefined,
        (draft) => {
          const g = groupOf(draft, group);
          if (g) g.followers = g.followers.filter((f) => !same(f.account, account));
        },
        REFUSALS.notFollower,
      ),
  };
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
