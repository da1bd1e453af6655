import { acquireInstanceLock, InstanceLockedError } from "../../data/instanceLock.js";
import { JournalWriter, journalPathFor } from "../../data/journal/index.js";
import { statePathFor } from "../../data/paths.js";
import type { Config, Connection } from "../../data/schema.js";
import { SecretError } from "../../data/secrets.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { UserError } from "../../data/userError.js";
import { markFlat, startLiquidation } from "../../engine/risk/lockMachine.js";
import { tradingDayOf } from "../../engine/risk/tradingDay.js";
import { describeTarget, type FlattenTarget } from "../../engine/runtime/engine.js";
import type { ActionResult, BrokerSession, OrderResult } from "../../engine/types.js";
import { createSessions } from "./sessions.js";

/**
 * The panic button when no mimik is running: log in with the config's credentials, cancel each
 * targeted follower's working orders and liquidate its positions, and record the lock in the
 * runtime state file so the next start keeps the follower locked. Leaders are never touched:
 * their accounts are not even synced, and every order is checked against the config first.
 */

export const DIRECT_FLATTEN_REASON = "manual flatten (no instance running)";

export interface DirectFlattenOptions {
  config: Config;
  /** The config file: its instance lock and runtime state file sit beside it. */
  configPath: string;
  target: FlattenTarget;
  env: NodeJS.ProcessEnv;
  /** How long a login may take to connect and sync. Default 15 s. */
  connectTimeoutMs?: number;
  /** How long to wait for the broker to report the account flat. Default 10 s. */
  flatTimeoutMs?: number;
  now?: () => number;
  /** Opens the broker sessions for a config narrowed to one connection (tests inject their own). */
  openSessions?: (config: Config) => Promise<BrokerSession[]>;
}

export type TargetFollowers = { ok: true; followers: string[] } | { ok: false; message: string };

/** The follower accounts a target names, as the engine would resolve it (names or labels, any case). */
export function followersForTarget(config: Config, target: FlattenTarget): TargetFollowers {
  const groups = config.groups;
  if ("all" in target)
    return { ok: true, followers: groups.flatMap((g) => g.followers.map((f) => f.account)) };
  if ("group" in target) {
    const group = groups.find((g) => g.name.toUpperCase() === target.group.toUpperCase());
    if (!group)
      return {
        ok: false,
        message: `no group named "${target.group}" in the config (groups: ${groups.map((g) => g.name).join(", ") || "none"})`,
      };
    return { ok: true, followers: group.followers.map((f) => f.account) };
  }
  const key = target.follower.toUpperCase();
  const account = config.accounts.find((a) => a.name.toUpperCase() === key || a.label?.toUpperCase() === key);
  const name = account?.name ?? target.follower;
  const isFollower = groups.some((g) =>
    g.followers.some((f) => f.account.toUpperCase() === name.toUpperCase()),
  );
  if (!isFollower) {
    const leader = groups.find((g) => g.leader.toUpperCase() === name.toUpperCase());
    return {
      ok: false,
      message: leader
        ? `${name} is the leader of group ${leader.name}; mimik never flattens a leader`
        : `no follower named "${target.follower}" in the config`,
    };
  }
  return { ok: true, followers: [name] };
}

export async function flattenDirectly(options: DirectFlattenOptions): Promise<ActionResult[]> {
  const { config } = options;
  const chosen = followersForTarget(config, options.target);
  if (!chosen.ok) return [{ target: describeTarget(options.target), ok: false, message: chosen.message }];
  if (chosen.followers.length === 0)
    return [{ target: describeTarget(options.target), ok: true, message: "no followers" }];

  const lock = await acquireInstanceLock(`${options.configPath}.lock`).catch((error: unknown) => {
    if (error instanceof InstanceLockedError)
      throw new UserError(
        `mimik is running for this config (pid ${error.pid}) but its control socket did not answer; ` +
          `flatten from its screen, or stop it (kill ${error.pid}) and run this again`,
      );
    throw error;
  });
  try {
    const state = await RuntimeStateRepository.open(statePathFor(options.configPath));
    let results: ActionResult[];
    try {
      results = await flattenFollowers(options, chosen.followers, state);
    } finally {
      await state.close();
    }
    await journal(options.configPath, results);
    return results;
  } finally {
    await lock.release();
  }
}

async function flattenFollowers(
  options: DirectFlattenOptions,
  followers: string[],
  state: RuntimeStateRepository,
): Promise<ActionResult[]> {
  const { config } = options;
  const leaders = new Set(config.groups.map((g) => g.leader.toUpperCase()));
  const byConnection = new Map<string, string[]>();
  const results = new Map<string, ActionResult>();
  for (const follower of followers) {
    if (leaders.has(follower.toUpperCase())) {
      results.set(follower, { target: follower, ok: false, message: "is a leader; never flattened" });
      continue;
    }
    const connection = config.accounts.find(
      (a) => a.name.toUpperCase() === follower.toUpperCase(),
    )?.connection;
    if (connection === undefined) {
      results.set(follower, { target: follower, ok: false, message: "not in the config's accounts" });
      continue;
    }
    byConnection.set(connection, [...(byConnection.get(connection) ?? []), follower]);
  }
  await Promise.all(
    [...byConnection].map(async ([name, accounts]) => {
      const connection = config.connections.find((c) => c.name === name);
      const outcome = connection
        ? await flattenOnConnection(options, connection, accounts, leaders, state)
        : accounts.map((a) => ({ target: a, ok: false, message: `connection ${name} is not in the config` }));
      for (const r of outcome) results.set(r.target, r);
    }),
  );
  return followers.map(
    (f) => results.get(f) ?? { target: f, ok: false, message: "not flattened (internal: no outcome)" },
  );
}

async function flattenOnConnection(
  options: DirectFlattenOptions,
  connection: Connection,
  accounts: string[],
  leaders: ReadonlySet<string>,
  state: RuntimeStateRepository,
): Promise<ActionResult[]> {
  const failAll = (message: string) => accounts.map((target) => ({ target, ok: false, message }));
  if (connection.env === "sim" && !connection.url)
    return failAll(
      `connection ${connection.name} uses the embedded simulator, which lived inside the mimik process that is no longer running: nothing to reach`,
    );
  // Only the targeted followers are synced: a leader on the same login is never even loaded.
  const narrowed: Config = {
    ...options.config,
    connections: [connection],
    accounts: options.config.accounts.filter((a) => accounts.includes(a.name)),
  };
  let sessions: BrokerSession[];
  try {
    sessions = await (options.openSessions ?? ((c) => createSessions(c, { env: options.env })))(narrowed);
  } catch (error) {
    if (error instanceof SecretError)
      return failAll(`connection ${connection.name}: ${error.message}${error.fix ? ` (${error.fix})` : ""}`);
    throw error;
  }
  const session = sessions[0];
  if (!session) return failAll(`connection ${connection.name}: no session`);
  try {
    const problem = await connect(session, options.connectTimeoutMs ?? 15_000);
    if (problem) return failAll(`connection ${connection.name} ${problem}`);
    return await Promise.all(accounts.map((a) => flattenAccount(options, session, a, leaders, state)));
  } finally {
    await Promise.all(sessions.map((s) => s.stop().catch(() => undefined)));
  }
}

/** Starts a session and waits for its first sync; a message when it did not get there. */
async function connect(session: BrokerSession, timeoutMs: number): Promise<string | undefined> {
  let reason: string | undefined;
  const off = session.on((event) => {
    if (event.type === "connection" && event.reason) reason = event.reason;
  });
  try {
    await session.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = session.state();
      if (now === "connected") return undefined;
      if (now === "down" || now === "reauth-needed" || Date.now() > deadline)
        return `is ${now}${reason ? `: ${reason}` : ""}`;
      await sleep(100);
    }
  } finally {
    off();
  }
}

async function flattenAccount(
  options: DirectFlattenOptions,
  session: BrokerSession,
  name: string,
  leaders: ReadonlySet<string>,
  state: RuntimeStateRepository,
): Promise<ActionResult> {
  const account = session.accounts().find((a) => a.name.toUpperCase() === name.toUpperCase());
  if (!account)
    return { target: name, ok: false, message: "the broker does not show this account to this login" };
  // The single rule that must never break: nothing is ever sent for a leader.
  if (leaders.has(account.name.toUpperCase()))
    return { target: name, ok: false, message: "is a leader; never flattened" };
  const now = options.now ?? Date.now;
  const previous = state.read().followers[name] ?? { state: "ACTIVE" as const };
  const liquidating = startLiquidation(previous, "manual", DIRECT_FLATTEN_REASON, now());
  // The lock goes to disk before the first order leaves, so a crash cannot forget it.
  try {
    await state.saveFollower(name, liquidating);
  } catch (error) {
    return {
      target: name,
      ok: false,
      message: `could not save the lock, so nothing was sent: ${messageOf(error)}`,
    };
  }
  const orders = session.workingOrders(account.id);
  const open = session.positions(account.id).filter((p) => p.netPos !== 0);
  const failures: string[] = [];
  const outcomes = await Promise.all([
    ...orders.map((o) => attempt(`cancel order ${o.orderId}`, () => session.cancelOrder(o.orderId))),
    ...open.map((p) =>
      attempt(`liquidate ${p.contract}`, () => session.liquidatePosition(account.id, p.contractId)),
    ),
  ]);
  for (const failure of outcomes) if (failure) failures.push(failure);
  const sent = orders.length + open.length;
  const flat = await waitFlat(session, account.id, options.flatTimeoutMs ?? 10_000);
  if (failures.length === 0 && flat) {
    try {
      await state.saveFollower(name, markFlat(liquidating, tradingDayOf(now())));
    } catch (error) {
      return {
        target: name,
        ok: false,
        message: `flat, but the lock could not be saved as LOCKED (${messageOf(error)}); the next start locks it once it sees it flat`,
      };
    }
    return {
      target: name,
      ok: true,
      message: sent ? `flat; locked (${describeSent(orders.length, open)})` : "flat; locked",
    };
  }
  const why = failures.length
    ? `flatten failed: ${failures.join("; ")}`
    : "the broker has not reported it flat yet";
  return {
    target: name,
    ok: false,
    message: `${why}; saved as LIQUIDATE_ONLY, so the next mimik start keeps flattening it`,
  };
}

/** The journal proves afterwards what happened, with or without a running instance. */
async function journal(configPath: string, results: readonly ActionResult[]): Promise<void> {
  const writer = await JournalWriter.open(journalPathFor(configPath)).catch(() => undefined);
  if (!writer) return;
  for (const r of results)
    writer.append({
      type: "directFlatten",
      follower: r.target,
      ok: r.ok,
      result: r.message,
      reason: DIRECT_FLATTEN_REASON,
      pid: process.pid,
    });
  await writer.close();
}

function describeSent(cancels: number, open: { contract: string; netPos: number }[]): string {
  const parts = open.map((p) => `liquidated ${p.contract} ${p.netPos > 0 ? "+" : ""}${p.netPos}`);
  if (cancels) parts.unshift(`cancelled ${cancels} order${cancels === 1 ? "" : "s"}`);
  return parts.join(", ");
}

async function attempt(what: string, call: () => Promise<OrderResult>): Promise<string | undefined> {
  try {
    const result = await call();
    if (result.ok) return undefined;
    return `${what}: ${result.failureReason}${result.failureText ? ` (${result.failureText})` : ""}`;
  } catch (error) {
    return `${what}: ${messageOf(error)}`;
  }
}

async function waitFlat(session: BrokerSession, accountId: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const flat =
      session.positions(accountId).every((p) => p.netPos === 0) &&
      session.workingOrders(accountId).length === 0;
    if (flat) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
