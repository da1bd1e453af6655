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
  /**
   * Takes the locks a changed config needs that are not held yet, or none of them (refused like
   * at the start). Call before the config is used: a hand edit may name an account another mimik
   * copies to.
   */
  admit(config: Config): Promise<void>;
  /** Releases the locks of accounts the config in force no longer names. */
  settle(config: Config): Promise<void>;
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
  const held = new Map<string, HeldLock>();
  // One change at a time: a settle releasing a lock must not cross an admit that wants it again.
  let queue: Promise<unknown> = Promise.resolve();
  const queued = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };
  const releaseAll = async (locks: HeldLock[]): Promise<void> => {
    for (const lock of locks.reverse()) await lock.release();
  };
  const admit = async (next: Config): Promise<void> => {
    const wanted = accountClaims(next).filter((claim) => !held.has(claim.key));
    if (wanted.length === 0) return;
    const dir = options.dir ?? accountLockDir();
    // Every config shares this folder: clear what processes that are gone left in it.
    await sweepStaleLocks(dir, (name) => ACCOUNT_LOCK_NAME.test(name), options.probe);
    const taken: Array<[string, HeldLock]> = [];
    try {
      for (const claim of wanted) {
        const path = accountLockPath(dir, claim);
        taken.push([
          claim.key,
          await acquireLockFile(path, {
            fields: { config: configRealPath, account: claim.account, key: claim.key },
            what: `the lock for account ${claim.account}`,
            probe: options.probe,
            refuse: (owner, verdict) =>
              verdict.kind === "unconfirmed"
                ? new LockUnconfirmedError(owner.pid, path)
                : new AccountLockedError(claim, owner.pid, owner.config, path),
          }),
        ]);
      }
    } catch (error) {
      await releaseAll(taken.map(([, lock]) => lock));
      throw error;
    }
    for (const [key, lock] of taken) held.set(key, lock);
  };
  await admit(config);
  return {
    admit: (next) => queued(() => admit(next)),
    settle: (now) =>
      queued(async () => {
        const keep = new Set(accountClaims(now).map((claim) => claim.key));
        for (const [key, lock] of [...held]) {
          if (keep.has(key)) continue;
          held.delete(key);
          await lock.release();
        }
      }),
    release: () =>
      queued(async () => {
        const locks = [...held.values()];
        held.clear();
        await releaseAll(locks);
      }),
  };
}

/** A ProjectX firm is named by its API host (TopstepX's when the config names none). */
function projectxHost(connection: ProjectXConnection): string {
  return connection.hosts?.api ? new URL(connection.hosts.api).host : "api.topstepx.com";
}
