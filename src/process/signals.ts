import { isatty } from "node:tty";

const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

const waiting = new Set<(signal: NodeJS.Signals) => void>();
let installed = false;
/** The stdio descriptors that were terminals when mimik began listening: Node restores these at exit. */
let terminalAtStart: number[] = [];

function onSignal(signal: NodeJS.Signals): void {
  const resolvers = [...waiting];
  waiting.clear();
  for (const resolve of resolvers) resolve(signal);
}

/**
 * Resolves on the next SIGINT, SIGTERM or SIGHUP (a closed terminal): each ends in the same clean
 * shutdown, so the journal's last lines are written and the lock files removed. The handlers stay
 * for the life of the process, so a second signal while that shutdown runs (a terminal closing
 * after Ctrl+C) is ignored instead of killing the process halfway.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  if (!installed) {
    installed = true;
    terminalAtStart = [0, 1, 2].filter((fd) => isatty(fd));
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
  }
  return new Promise((resolve) => waiting.add(resolve));
}

/**
 * After the clean stop that a hangup began: when the terminal is gone with it (a closed window, a
 * dropped SSH session), end by the hangup itself rather than by a normal exit. Node 20's normal
 * exit restores the terminal settings it found at the start, and on a terminal that hung up that
 * fails and aborts the process (nodejs/node#51519): a crash report after a clean stop. A hangup
 * sent to a live terminal (`kill -HUP`) exits normally, so the terminal is restored.
 */
export function endIfHungUp(stoppedBy: unknown, terminalGone = hungUp()): void {
  if (stoppedBy !== "SIGHUP" || !terminalGone) return;
  process.removeAllListeners("SIGHUP");
  process.kill(process.pid, "SIGHUP");
}

/** Every descriptor that was a terminal is one no more: a hung-up terminal answers as none. */
function hungUp(): boolean {
  return terminalAtStart.length > 0 && terminalAtStart.every((fd) => !isatty(fd));
}
