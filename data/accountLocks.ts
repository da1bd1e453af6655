import { createHash } from "node:crypto";
import { userInfo } from "node:os";
import { join } from "node:path";
import { LockUnconfirmedError } from "./instanceLock.js";
import { acquireLockFile, type HeldLock, sweepStaleLocks } from "./lockFile.js";
import type { ProcessProbe } from "./processIdentity.js";
import type { Config, Connection, ProjectXConnection } from "./schema.js";
import { UserError } from "./userError.js";

/** One broker account a config trades or reads, and the key every config naming it agrees on. */
export interface AccountClaim {
  account: string;
  connection: string;
  /** Broker environment (or simulator address) and account name, case-folded. */
  key: string;
  /** For messages: "Tradovate live, login jdoe" or "simulator http://127.0.0.1:8765, login demo". */
  where: string;
}

/** Another running mimik (with another config) already uses the account. */
export class AccountLockedError extends UserError {
  constructor(
    readonly claim: AccountClaim,
    readonly pid: number,
    readonly config: string | undefined,
    readonly lockPath: string,
  ) {
    super(
      `${claim.account} (${claim.where}) is already in use by another mimik: pid ${pid}, config ${config ?? "unknown"}. ` +
        `A broker account may be in one running config only: stop that mimik, or remove ${claim.account} from one of the two configs. ` +
        `(lock file ${lockPath})`,
    );
    this.name = "AccountLockedError";
  }
}

/**
 * The account's key. An account name is unique at its broker environment whichever login reaches
 * it, so the login is not part of the key: two configs reaching one account through two logins
 * still must not both copy to it. Accounts on the embedded simulator live inside their own process
 * and are never shared: no key.
 */
export function accountKey(connection: Connection, account: string): string | undefined {
  if (connection.env === "sim") {
    if (!connection.url) return undefined;
    return `sim ${new URL(connection.url).origin} ${account.toUpperCase()}`;
  }
  if (connection.broker === "projectx")
    return `projectx ${projectxHost(connection)} ${account.toUpperCase()}`;
  return `tradovate ${connection.env} ${account.toUpperCase()}`;
}

export function accountClaims(config: Config): AccountClaim[] {
  const claims = new Map<string, AccountClaim>();
  for (const account of config.accounts) {
    const connection = config.connections.find((c) => c.name === account.connection);
    if (!connection) continue;
    const key = accountKey(connection, account.name);
    // Once per account even if two logins of the config reach it.
    if (key === undefined || claims.has(key)) continue;
    const broker =
      connection.env === "sim"
        ? `simulator ${connection.url}`
        : connection.broker === "projectx"
          ? `ProjectX ${projectxHost(connection)}`
          : `Tradovate ${connection.env}`;
    claims.set(key, {
      account: account.name,
      connection: connection.name,
      key,
      where: `${broker}, login ${connection.username}`,
    });
  }
  return [...claims.values()];
}

/**
 * Where account locks live: under the real home folder of the user (from the password database,
 * not $HOME), so two instances agree whatever XDG_RUNTIME_DIR, TMPDIR or HOME they were given.
 */
export function accountLockDir(): string {
  let home: string;
  try {
    home = userInfo().homedir;
  } catch (error) {
    throw new UserError(
      `mimik cannot find your home folder to keep its account locks in (${error instanceof Error ? error.message : String(error)}); run it as a user with a home folder`,
    );
  }
  return join(home, ".local", "state", "mimik", "locks");
}

export function accountLockPath(dir: string, claim: AccountClaim): string {
  return join(dir, `account-${createHash("sha256").update(claim.key).digest("hex").slice(0, 32)}.lock`);
}

const ACCOUNT_LOCK_NAME = /^account-[0-9a-f]{32}\.lock$/;

export interface AccountLocks {
  release(): Promise<void>;
}

export interface AccountLockOptions {
  /** Default: accountLockDir(). */
  dir?: string | undefined;
  probe?: ProcessProbe | undefined;
}

/**
 * Takes a lock for every broker account the config names, or none: the first one held by another
 * live mimik is refused naming its pid and config, and the ones already taken are released.
 */
export async function acquireAccountLocks(
  config: Config,
  configRealPath: string,
  options: AccountLockOptions = {},
): Promise<AccountLocks> {
  const claims = accountClaims(config);
  if (claims.length === 0) return { release: async () => undefined };
  const dir = options.dir ?? accountLockDir();
  // Every config shares this folder: clear what processes that are gone left in it.
  await sweepStaleLocks(dir, (name) => ACCOUNT_LOCK_NAME.test(name), options.probe);
  const held: HeldLock[] = [];
  const release = async (): Promise<void> => {
    for (const lock of held.splice(0).reverse()) await lock.release();
  };
  try {
    for (const claim of claims) {
      const path = accountLockPath(dir, claim);
      held.push(
        await acquireLockFile(path, {
          fields: { config: configRealPath, account: claim.account, key: claim.key },
          what: `the lock for account ${claim.account}`,
          probe: options.probe,
          refuse: (owner, verdict) =>
            verdict.kind === "unconfirmed"
              ? new LockUnconfirmedError(owner.pid, path)
              : new AccountLockedError(claim, owner.pid, owner.config, path),
        }),
      );
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

/** A ProjectX firm is named by its API host (TopstepX's when the config names none). */
function projectxHost(connection: ProjectXConnection): string {
  return connection.hosts?.api ? new URL(connection.hosts.api).host : "api.topstepx.com";
}
