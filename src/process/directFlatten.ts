import { configFilesFor } from "../../data/configIdentity.js";
import { acquireInstanceLock, InstanceLockedError } from "../../data/instanceLock.js";
import type { Config } from "../../data/schema.js";
import { SecretError } from "../../data/secrets.js";
import { claimStateFile } from "../../data/stateOwner.js";
import { UserError } from "../../data/userError.js";
import {
  AccountDirectory,
  type BrokerSession,
  describeTarget,
  type EngineEvent,
  type FlattenTarget,
  type Outcome,
  silentLogger,
} from "../../engine/index.js";
import { memoryHolder } from "../app/configHolder.js";
import { unknownFollower, unknownGroup } from "../text/unknownNames.js";
import { createActions } from "./actions.js";
import type { ConnectionSecrets } from "./connectionSecrets.js";
import { startEngineInline } from "./engineThread/client.js";
import { resolveSecrets } from "./sessions.js";

/**
 * The panic button when no mimik is running: a short-lived engine, limited to the targeted
 * followers' accounts and copying nothing, flattens and locks them through the same path as the
 * console (risk's flatten, the order gateway and its leader guard), writes the lock to the
 * runtime state file so the next start keeps them locked, journals what it did, and stops.
 */

export const DIRECT_FLATTEN_REASON = "manual flatten (no instance running)";

export interface DirectFlattenOptions {
  config: Config;
  /** The config file: its instance lock, runtime state file and journal sit beside it. */
  configPath: string;
  target: FlattenTarget;
  env: NodeJS.ProcessEnv;
  /** How long the logins may take to connect and sync. Default 15 s. */
  connectTimeoutMs?: number;
  /** How long to wait for the broker to report the followers flat. Default 10 s. */
  flatTimeoutMs?: number;
  /** Stands in for the broker sessions (tests). */
  openSessions?: (config: Config) => BrokerSession[];
}

/**
 * Another live process holds the config's instance lock, and no control socket answered for it:
 * an instance still starting or stopping, or another `mimik flatten` at work at the broker. The
 * caller may wait for it to answer or to let go.
 */
export class ConfigHeldError extends UserError {
  constructor(readonly pid: number) {
    super(
      `mimik is running for this config (pid ${pid}) but its control socket did not answer; ` +
        `flatten from its screen, or stop it (kill ${pid}) and run this again`,
    );
    this.name = "ConfigHeldError";
  }
}

export type TargetFollowers = { ok: true; followers: string[] } | { ok: false; message: string };

/** The follower accounts a target names, as the engine would resolve it (names or labels, any case). */
export function followersForTarget(config: Config, target: FlattenTarget): TargetFollowers {
  const groups = config.groups;
  if ("all" in target)
    return { ok: true, followers: groups.flatMap((g) => g.followers.map((f) => f.account)) };
  const directory = new AccountDirectory();
  directory.setConfig(config);
  if ("group" in target) {
    const group = directory.findGroup(target.group);
    if (!group) return { ok: false, message: unknownGroup(config, target.group) ?? "no such group" };
    return { ok: true, followers: group.followers.map((f) => f.account) };
  }
  const name = directory.find(target.follower) ?? target.follower;
  const role = directory.role(name);
  if (role?.kind === "leader")
    return {
      ok: false,
      message: `${name} is the leader of group ${role.group.name}; mimik never flattens a leader`,
    };
  if (role?.kind !== "follower")
    return { ok: false, message: unknownFollower(config, target.follower) ?? "not a follower" };
  return { ok: true, followers: [name] };
}

export async function flattenDirectly(options: DirectFlattenOptions): Promise<Outcome[]> {
  const { config, target } = options;
  const chosen = followersForTarget(config, target);
  if (!chosen.ok) return [{ target: describeTarget(target), status: "refused", reason: chosen.message }];
  if (chosen.followers.length === 0) return [];

  const files = configFilesFor(options.configPath);
  const lock = await acquireInstanceLock(files.lock, { config: files.config }).catch((error: unknown) => {
    if (error instanceof InstanceLockedError) throw new ConfigHeldError(error.pid);
    throw error;
  });
  try {
    // Another config's state and journal (one named alike) are not this one's to lock and write.
    await claimStateFile(files);
    // A login that cannot be reached from here fails its own followers only: the panic button
    // still flattens every follower on the logins that can be.
    const logins = await reachableLogins(config, chosen.followers, options);
    const connectionOf = (f: string) => config.accounts.find((a) => a.name === f)?.connection ?? "";
    const reachable = chosen.followers.filter((f) => !logins.blocked.has(connectionOf(f)));
    const flattened = reachable.length === 0 ? [] : await flattenReachable(options, files, reachable, logins);
    if (logins.blocked.size === 0) return flattened;
    return chosen.followers.map(
      (f) =>
        flattened.find((o) => o.target === f) ?? {
          target: f,
          status: "failed",
          reason: logins.blocked.get(connectionOf(f)) ?? "flatten failed",
        },
    );
  } finally {
    await lock.release();
  }
}

type Logins = { secrets: ConnectionSecrets; blocked: Map<string, string> };

/** The targeted followers' logins: their secrets, and why each one that cannot be used cannot. */
async function reachableLogins(
  config: Config,
  followers: readonly string[],
  options: DirectFlattenOptions,
): Promise<Logins> {
  const secrets: ConnectionSecrets = {};
  const blocked = new Map<string, string>();
  for (const connection of neededConnections(config, followers).connections) {
    if (options.openSessions) continue;
    if (connection.env === "sim" && !connection.url) {
      blocked.set(
        connection.name,
        `connection ${connection.name} uses the embedded simulator, which lived inside the mimik process that is no longer running: nothing to reach`,
      );
      continue;
    }
    try {
      Object.assign(secrets, await resolveSecrets({ ...config, connections: [connection] }, options.env));
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      blocked.set(connection.name, `${error.message}${error.fix ? ` (${error.fix})` : ""}`);
    }
  }
  return { secrets, blocked };
}

/** A short-lived engine on the reachable followers' logins flattens and locks them. */
async function flattenReachable(
  options: DirectFlattenOptions,
  files: ReturnType<typeof configFilesFor>,
  followers: string[],
  logins: Logins,
): Promise<Outcome[]> {
  const { config, target } = options;
  const needed = neededConnections(config, followers);
  const engine = await startEngineInline(
    {
      config,
      mode: "direct flatten (no instance running)",
      statePath: files.state,
      journalPath: files.journal,
      configPath: files.config,
      seedLedger: false,
      secrets: logins.secrets,
      copying: false,
      onlyAccounts: followers,
    },
    silentLogger,
    options.openSessions ? { sessions: options.openSessions(needed) } : {},
  );
  const connections = new Map<string, string>();
  const offConnections = engine.on((event: EngineEvent) => {
    if (event.type === "connectionStatus")
      connections.set(event.connection, `${event.state}${event.reason ? `: ${event.reason}` : ""}`);
  });
  try {
    await withTimeout(engine.started, options.connectTimeoutMs ?? 15_000);
    const actions = createActions({ engine, holder: memoryHolder(config), events: engine.on });
    const flatten = { reason: DIRECT_FLATTEN_REASON, waitLockedMs: options.flatTimeoutMs ?? 10_000 };
    // The target as given when every follower it names is here, or else each one that is by name.
    const outcomes =
      logins.blocked.size === 0
        ? await actions.flatten(target, flatten)
        : (await Promise.all(followers.map((f) => actions.flatten({ follower: f }, flatten)))).flat();
    return outcomes.map((o) => explain(o, config, connections));
  } finally {
    offConnections();
    await engine.stop();
  }
}

/**
 * This engine stops when the command ends: a flatten that has not finished does not carry on
 * here, it resumes at the next start (the state file says LIQUIDATE_ONLY). Say so, and say why a
 * follower could not be reached.
 */
function explain(o: Outcome, config: Config, connections: ReadonlyMap<string, string>): Outcome {
  if (o.status !== "failed" && o.status !== "liquidating") return o;
  const connection = config.accounts.find((a) => a.name === o.target)?.connection;
  const state = connection === undefined ? undefined : connections.get(connection);
  const unreached = state !== undefined && !state.startsWith("connected");
  // A login that never came up had nothing sent: "not reported flat yet" would read as a flatten
  // on its way at the broker.
  const neverUp = o.status === "liquidating" && !o.sent && (unreached || state === undefined);
  const why = neverUp
    ? `connection ${connection} ${state === undefined ? "never answered" : `is ${state}`}: nothing sent to it`
    : o.status === "liquidating"
      ? "the broker has not reported it flat yet"
      : unreached
        ? `connection ${connection} is ${state}`
        : (o.reason ?? "flatten failed");
  return {
    target: o.target,
    status: "failed",
    sent: o.sent,
    reason: `${why}; saved as LIQUIDATE_ONLY, so the next mimik start keeps flattening it`,
    saved: o.saved,
  };
}

/** Only the logins of the targeted followers are opened: a leader elsewhere is never even loaded. */
function neededConnections(config: Config, followers: readonly string[]): Config {
  const names = new Set(config.accounts.filter((a) => followers.includes(a.name)).map((a) => a.connection));
  return { ...config, connections: config.connections.filter((c) => names.has(c.name)) };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
