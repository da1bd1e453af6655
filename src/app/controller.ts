import type { Config, Follower, Group } from "../../data/schema.js";
import type { FollowerRiskView } from "../../engine/risk/riskEngine.js";
import type { Engine, FlattenTarget } from "../../engine/runtime/engine.js";
import type { ActionResult, ConnectionState, RateBudget } from "../../engine/types.js";
import type { Mode } from "../screen/viewModel.js";
import type { ConfigHolder } from "./configHolder.js";

/** Everything the console may ask of or tell the running system; a fake stands in for tests. */
export interface AppController {
  mode: Mode;
  config(): Config;
  subscribeConfig(listener: (config: Config) => void): () => void;
  connections(): { name: string; state: ConnectionState; rate: RateBudget }[];
  latency(): { p50: number; p99: number; count: number };
  positions(account: string): { contract: string; netPos: number }[];
  connectionState(account: string): ConnectionState;
  risk(account: string): FollowerRiskView | undefined;
  setFollowerEnabled(group: string, account: string, enabled: boolean): Promise<string>;
  setGroupActive(group: string, active: boolean): Promise<string>;
  flatten(target: FlattenTarget): Promise<ActionResult[]>;
  unlock(account: string): Promise<ActionResult>;
  resync(account: string): Promise<ActionResult>;
  saveGroup(original: string | undefined, group: Group): Promise<string>;
  saveFollower(group: string, original: string | undefined, follower: Follower): Promise<string>;
  deleteGroup(group: string): Promise<string>;
  deleteFollower(group: string, account: string): Promise<string>;
}

const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

export function engineController(engine: Engine, holder: ConfigHolder, mode: Mode): AppController {
  const change = async (what: string, mutate: (draft: Config) => void) => {
    const result = await holder.update(mutate);
    return result.ok ? what : `not saved: ${result.message}`;
  };
  const groupOf = (draft: Config, name: string) => draft.groups.find((g) => same(g.name, name));
  return {
    mode,
    config: () => holder.get(),
    subscribeConfig: (listener) => holder.subscribe(listener),
    connections: () => engine.connections(),
    latency: () => engine.gateway.latency("written"),
    positions(account) {
      const ref = engine.directory.resolve(account);
      return ref
        ? ref.session.positions(ref.accountId).map((p) => ({ contract: p.contract, netPos: p.netPos }))
        : [];
    },
    connectionState(account) {
      return engine.directory.resolve(account)?.session.state() ?? "connecting";
    },
    risk: (account) => engine.risk.snapshot(account),
    setFollowerEnabled: (group, account, enabled) =>
      change(`${account} ${enabled ? "enabled" : "disabled"}`, (draft) => {
        const follower = groupOf(draft, group)?.followers.find((f) => same(f.account, account));
        if (follower) follower.enabled = enabled;
      }),
    setGroupActive: (group, active) =>
      change(`${group} ${active ? "active" : "paused"}`, (draft) => {
        const g = groupOf(draft, group);
        if (g) g.active = active;
      }),
    flatten: (target) => engine.flattenAndLock(target, "manual"),
    unlock: (account) => engine.unlock(account),
    resync: (account) => engine.resync(account),
    saveGroup: (original, group) =>
      change(`group ${group.name} saved`, (draft) => {
        const at = original ? draft.groups.findIndex((g) => same(g.name, original)) : -1;
        if (at >= 0) draft.groups[at] = group;
        else draft.groups.push(group);
      }),
    saveFollower: (group, original, follower) =>
      change(`follower ${follower.account} saved`, (draft) => {
        const g = groupOf(draft, group);
        if (!g) return;
        const at = original ? g.followers.findIndex((f) => same(f.account, original)) : -1;
        if (at >= 0) g.followers[at] = follower;
        else g.followers.push(follower);
      }),
    deleteGroup: (group) =>
      change(`group ${group} deleted`, (draft) => {
        draft.groups = draft.groups.filter((g) => !same(g.name, group));
      }),
    deleteFollower: (group, account) =>
      change(`follower ${account} removed`, (draft) => {
        const g = groupOf(draft, group);
        if (g) g.followers = g.followers.filter((f) => !same(f.account, account));
      }),
  };
}
