import { basename } from "node:path";
import { acquireLockFile, type HeldLock, type LockOwner } from "./lockFile.js";
import type { ProcessProbe } from "./processIdentity.js";
import { UserError } from "./userError.js";

/** Another live mimik holds the lock: the message names its pid and config. */
export class InstanceLockedError extends UserError {
  constructor(
    readonly pid: number,
    readonly lockPath: string,
    readonly config?: string | undefined,
  ) {
    super(
      `mimik is already running for this config (pid ${pid}${config ? `, config ${config}` : ""}); lock file ${lockPath}`,
    );
    this.name = "InstanceLockedError";
  }
}

/**
 * A lock file names a running process, and this system cannot tell whether that process is the
 * mimik that wrote it (no /proc and no ps). The message says how to check, and never to stop a
 * process that might be something else.
 */
export class LockUnconfirmedError extends UserError {
  constructor(
    readonly pid: number,
    readonly lockPath: string,
  ) {
    super(
      `the lock file ${lockPath} names pid ${pid}, which is running, but mimik cannot tell here whether it is a mimik. ` +
        `If "ps -p ${pid} -o command=" shows no mimik, the lock is left over from a crash: delete ${lockPath} and start again. ` +
        `Do not stop pid ${pid} unless it is that mimik.`,
    );
    this.name = "LockUnconfirmedError";
  }
}

export type InstanceLock = HeldLock;

export interface InstanceLockOptions {
  /** Real path of the config, recorded so a refusal can say which config the other instance runs. */
  config?: string | undefined;
  /**
   * The control socket the holder serves: a command run with another XDG_RUNTIME_DIR (cron, su,
   * an SSH session without one) works out another path for it, and finds it here instead.
   */
  control?: string | undefined;
  probe?: ProcessProbe | undefined;
}

/**
 * One running instance per config: a lock file beside the config's real path recording our pid,
 * start time, boot and config. A lock left by a process that is gone (a kill -9, a crash, a
 * reboot, a pid since reused by something else, even by this very process) is taken over.
 */
export function acquireInstanceLock(path: string, options: InstanceLockOptions = {}): Promise<InstanceLock> {
  return acquireLockFile(path, {
    fields: {
      ...(options.config ? { config: options.config } : {}),
      ...(options.control ? { control: options.control } : {}),
    },
    what: `the instance lock ${basename(path)}`,
    probe: options.probe,
    refuse: (owner: LockOwner, verdict) =>
      verdict.kind === "unconfirmed"
        ? new LockUnconfirmedError(owner.pid, path)
        : new InstanceLockedError(owner.pid, path, owner.config),
  });
}
