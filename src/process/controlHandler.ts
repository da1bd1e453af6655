import type { Engine } from "../../engine/runtime/engine.js";
import type { ConfigHolder } from "../app/configHolder.js";
import type { ControlHandler } from "../control/index.js";

/** What `mimik status|flatten|lock|unlock|pause|resume` do to the running instance. */
export function controlHandler(engine: Engine, holder: ConfigHolder, mode: string): ControlHandler {
  const setActive = async (group: string, active: boolean) => {
    const exists = holder.get().groups.some((g) => g.name.toUpperCase() === group.toUpperCase());
    if (!exists) return { ok: false, results: [{ target: group, ok: false, message: "no such group" }] };
    const result = await holder.update((draft) => {
      for (const g of draft.groups) if (g.name.toUpperCase() === group.toUpperCase()) g.active = active;
    });
    const message = result.ok ? (active ? "resumed: copying" : "paused: no new copies") : result.message;
    return { ok: result.ok, results: [{ target: group, ok: result.ok, message }] };
  };
  return async (request) => {
    switch (request.cmd) {
      case "status":
        return { ok: true, status: statusReport(engine, holder, mode) };
      case "flatten": {
        const results = await engine.flattenAndLock(request.target, "manual");
        return { ok: results.every((r) => r.ok), results };
      }
      case "lock": {
        const result = await engine.lock(request.follower, "manual");
        return { ok: result.ok, results: [result] };
      }
      case "unlock": {
        const result = await engine.unlock(request.follower, request.force ?? false);
        return { ok: result.ok, results: [result] };
      }
      case "pause":
        return setActive(request.group, false);
      case "resume":
        return setActive(request.group, true);
    }
  };
}

export interface StatusReport {
  mode: string;
  pid: number;
  connections: { name: string; state: string }[];
  latency: { p50: number; p99: number; count: number };
  groups: {
    name: string;
    active: boolean;
    leader: string;
    followers: {
      account: string;
      enabled: boolean;
      state: string;
      reason?: string | undefined;
      dayPnl?: number | undefined;
      positions: { contract: string; netPos: number }[];
    }[];
  }[];
  outOfSync: { follower: string; contract: string; has: number; expects: number }[];
}

export function statusReport(engine: Engine, holder: ConfigHolder, mode: string): StatusReport {
  const status = engine.status();
  const risk = new Map(status.followers.map((f) => [f.follower, f]));
  return {
    mode,
    pid: process.pid,
    connections: status.connections.map((c) => ({ name: c.name, state: c.state })),
    latency: status.latency,
    groups: holder.get().groups.map((g) => ({
      name: g.name,
      active: g.active,
      leader: g.leader,
      followers: g.followers.map((f) => {
        const view = risk.get(f.account);
        const ref = engine.directory.resolve(f.account);
        return {
          account: f.account,
          enabled: f.enabled,
          state: view?.state ?? "ACTIVE",
          reason: view?.lockReason,
          dayPnl: view?.dayPnl,
          positions: ref
            ? ref.session
                .positions(ref.accountId)
                .filter((p) => p.netPos !== 0)
                .map((p) => ({ contract: p.contract, netPos: p.netPos }))
            : [],
        };
      }),
    })),
    outOfSync: status.outOfSync.map((s) => ({
      follower: s.follower,
      contract: s.contract,
      has: s.has,
      expects: s.expects,
    })),
  };
}
