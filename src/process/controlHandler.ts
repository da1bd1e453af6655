import type { Config } from "../../data/schema.js";
import { brokerOf } from "../../data/schema.js";
import type { ControlHandler, ControlReply, ControlRequest } from "../control/index.js";
import type { EngineSnapshot } from "../store/engineStore.js";
import { outcomeSentence } from "../text/outcomes.js";
import { unknownFollower, unknownGroup } from "../text/unknownNames.js";
import type { Actions } from "./actions.js";

/**
 * What `mimik status|flatten|lock|unlock|pause|resume` do to the running instance: commands go
 * through the actions module, status is read from the store's latest snapshot (never from the
 * engine, which runs in its own thread and is never made to wait for a local client).
 */
export function controlHandler(
  actions: Actions,
  snapshot: () => EngineSnapshot,
  mode: string,
  journal?: string,
  /** Says what a command from another shell did (headless prints it), status requests aside. */
  said: (line: string) => void = () => undefined,
  /** Why the config file on disk is not the one in force (a hand edit kept out), if it is not. */
  configKeptOut: () => string | undefined = () => undefined,
): ControlHandler {
  const handle = async (request: ControlRequest): Promise<ControlReply> => {
    // A name the config does not have is refused here, naming what would be right, before
    // anything is sent: a typo on the panic button must not read as "nothing to do".
    const unknown = unknownTarget(request, snapshot().config);
    if (unknown) return { ok: false, error: unknown };
    switch (request.cmd) {
      case "status":
        return { ok: true, status: statusReport(snapshot(), mode, journal, configKeptOut()) };
      case "flatten": {
        const results = await actions.flatten(request.target, { waitLockedMs: request.waitLockedMs });
        return { ok: true, results };
      }
      case "lock":
        return { ok: true, results: [await actions.lock(request.follower)] };
      case "unlock":
        return { ok: true, results: [await actions.unlock(request.follower, request.force ?? false)] };
      case "resync":
        return { ok: true, results: [await actions.resync(request.follower)] };
      case "pause":
        return { ok: true, results: [await actions.setGroupActive(request.group, false)] };
      case "resume":
        return { ok: true, results: [await actions.setGroupActive(request.group, true)] };
    }
  };
  // A pause or a resume changes nothing an engine event tells: without this, the output of a
  // headless mimik (what systemd's journal keeps) had no word of it.
  return async (request) => {
    const reply = await handle(request);
    if (request.cmd !== "status") {
      const what = reply.error ?? (reply.results ?? []).map(outcomeSentence).join("; ");
      said(`${commandWords(request)} (from another shell): ${what}`);
    }
    return reply;
  };
}

/** The request as the trader typed it, near enough: "mimik pause --group main". */
function commandWords(request: Exclude<ControlRequest, { cmd: "status" }>): string {
  switch (request.cmd) {
    case "flatten": {
      const t = request.target;
      return `mimik flatten ${"all" in t ? "--all" : "group" in t ? `--group ${t.group}` : `--follower ${t.follower}`}`;
    }
    case "lock":
      return `mimik lock --follower ${request.follower}`;
    case "unlock":
      return `mimik unlock --follower ${request.follower}${request.force ? " --force" : ""}`;
    case "resync":
      return `mimik resync --follower ${request.follower}`;
    case "pause":
    case "resume":
      return `mimik ${request.cmd} --group ${request.group}`;
  }
}

function unknownTarget(request: ControlRequest, config: Config): string | undefined {
  switch (request.cmd) {
    case "status":
      return undefined;
    case "flatten":
      if ("follower" in request.target) return unknownFollower(config, request.target.follower);
      if ("group" in request.target) return unknownGroup(config, request.target.group);
      return undefined;
    case "lock":
    case "unlock":
    case "resync":
      return unknownFollower(config, request.follower);
    case "pause":
    case "resume":
      return unknownGroup(config, request.group);
  }
}

/** A login's request budget as `mimik status` shows it. */
export interface StatusBudget {
  /** Requests left of `limit` in the broker's window of `windowMs` (Tradovate: the hour; ProjectX: the minute). */
  left: number;
  limit: number;
  windowMs: number;
  /** At the current pace, until only the exit reserve is left; absent when it does not run out. */
  lastsMs?: number | undefined;
  refused: number;
  blockedUntil?: number | undefined;
}

export interface StatusReport {
  mode: string;
  pid: number;
  /** The journal this instance writes (the demo's is in a scratch folder only it knows). */
  journal?: string | undefined;
  /** The config file was edited and the edit kept out (invalid, removed …): why; the one loaded before runs. */
  configKeptOut?: string | undefined;
  connections: {
    name: string;
    broker: string;
    state: string;
    /** Why a login is down or needs the trader (refused, locked, its secret unreadable). */
    reason?: string | undefined;
    /** Why its quotes stopped: open P&L goes unpriced, no loss limit sees it. */
    marketData?: string | undefined;
    /** Its accounts that could not be read, and why: unknown, nothing copied to them or their groups. */
    unreadable?: { account: string; reason: string }[] | undefined;
    budget?: StatusBudget | undefined;
  }[];
  latency: { p50: number; p99: number; count: number };
  groups: {
    name: string;
    active: boolean;
    leader: string;
    /** The leader's positions as its broker last reported them; absent until it has. */
    leaderPositions?: { contract: string; netPos: number }[] | undefined;
    /** Issue 16: what holds its openings back now, and its next window change; absent without windows. */
    window?: { held?: string | undefined; next?: { at: number; text: string } | undefined } | undefined;
    followers: {
      account: string;
      /** The account's label in the config, which --follower takes too. */
      label?: string | undefined;
      enabled: boolean;
      state: string;
      reason?: string | undefined;
      /** The follower's lock or unlock is held in memory only: its save is being retried. */
      unsaved?: boolean | undefined;
      /** Its login has no market data: limits blind to open P&L, openings held. */
      pricesStale?: boolean | undefined;
      dayPnl?: number | undefined;
      positions: { contract: string; netPos: number }[];
      /** Its broker has not reported its positions yet (a login still down): `positions` is not "flat". */
      positionsUnknown?: boolean | undefined;
      /** Its login is not connected now: `positions` is what it last reported, maybe since changed. */
      positionsAsOfLogin?: string | undefined;
      /**
       * Its login is connected and its snapshot came without this account (a name the broker does
       * not have, a typo): it is not "not known yet", it will not come. The login's name.
       */
      notAtBroker?: string | undefined;
      /** Its login could not read it (the broker's words): its positions are unknown, nothing is copied to it. */
      unreadable?: string | undefined;
      shadow?: boolean | undefined;
    }[];
  }[];
  outOfSync: { follower: string; contract: string; has: number; expects: number }[];
  /** Exits that failed and are retried (EXIT PENDING), with why and when the next try goes. */
  exitsPending?: ExitPendingLine[] | undefined;
}

export interface ExitPendingLine {
  follower: string;
  contract: string;
  has: number;
  goal: number;
  reason: string;
  attempts: number;
  nextTryAt?: number | undefined;
}

/** A login in this state stays so until the trader acts: its reason says how. */
function needsTrader(state: string): boolean {
  return state === "down" || state === "reauth-needed";
}

export function statusReport(
  snapshot: EngineSnapshot,
  mode: string,
  journal?: string,
  configKeptOut?: string,
): StatusReport {
  return {
    mode,
    pid: process.pid,
    ...(journal === undefined ? {} : { journal }),
    ...(configKeptOut === undefined ? {} : { configKeptOut }),
    connections: [...snapshot.connections].map(([name, c]) => {
      const b = snapshot.budgets.get(name);
      const budget = b && {
        left: b.left,
        limit: b.limit,
        windowMs: b.windowMs,
        lastsMs: b.lastsMs,
        refused: b.refused,
        blockedUntil: b.blockedUntil,
      };
      const login = snapshot.config.connections.find((x) => x.name === name);
      return {
        name,
        broker: login ? brokerOf(login) : "tradovate",
        state: c.state,
        ...(needsTrader(c.state) && c.reason ? { reason: c.reason } : {}),
        ...(c.marketData ? { marketData: c.marketData } : {}),
        ...(c.unreadable?.length ? { unreadable: c.unreadable.map((u) => ({ ...u })) } : {}),
        ...(budget ? { budget } : {}),
      };
    }),
    latency: snapshot.latency ?? { p50: 0, p99: 0, count: 0 },
    groups: snapshot.config.groups.map((g) => ({
      name: g.name,
      active: g.active,
      leader: g.leader,
      // What the followers' rows are read against: without it, status could not say whether they are right.
      ...(snapshot.positions.has(g.leader)
        ? { leaderPositions: [...snapshot.positions.get(g.leader)!] }
        : {}),
      ...(snapshot.windows.has(g.name) ? { window: { ...snapshot.windows.get(g.name) } } : {}),
      followers: g.followers.map((f) => {
        const live = snapshot.followers.get(f.account);
        const login = snapshot.config.accounts.find((a) => a.name === f.account)?.connection;
        const view = login === undefined ? undefined : snapshot.connections.get(login);
        const loginState = view?.state;
        const unreadable = view?.unreadable?.find((u) => u.account.toUpperCase() === f.account.toUpperCase());
        const label = snapshot.config.accounts.find((a) => a.name === f.account)?.label;
        return {
          account: f.account,
          ...(label === undefined ? {} : { label }),
          enabled: f.enabled,
          state: live?.state ?? "ACTIVE",
          reason: live?.state === "ACTIVE" ? undefined : live?.reason,
          ...(live?.unsaved ? { unsaved: true } : {}),
          ...(live?.pricesStale ? { pricesStale: true } : {}),
          ...(unreadable ? { unreadable: unreadable.reason } : {}),
          dayPnl: live?.risk?.dayPnl,
          positions: [...(snapshot.positions.get(f.account) ?? [])],
          // A shadow's positions are its would-be ones, mimik's own book: flat until it trades.
          ...(f.shadow
            ? { shadow: true }
            : !snapshot.positions.has(f.account)
              ? // A login says connected once its snapshot is in, every account it has reported.
                loginState === "connected"
                ? { positionsUnknown: true, notAtBroker: login }
                : { positionsUnknown: true }
              : loginState !== undefined && loginState !== "connected"
                ? { positionsAsOfLogin: `${login} ${loginState}` }
                : {}),
        };
      }),
    })),
    outOfSync: [...snapshot.followers.values()].flatMap((f) =>
      f.outOfSync.map((s) => ({
        follower: s.follower,
        contract: s.contract,
        has: s.has,
        expects: s.expects,
      })),
    ),
    exitsPending: [...snapshot.followers.values()].flatMap((f) =>
      f.exitsPending.map((e) => ({
        follower: e.follower,
        contract: e.contract,
        has: e.has,
        goal: e.goal,
        reason: e.reason,
        attempts: e.attempts,
        nextTryAt: e.nextTryAt,
      })),
    ),
  };
}
