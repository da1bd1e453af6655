const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

const waiting = new Set<(signal: NodeJS.Signals) => void>();
let installed = false;

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
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
  }
  return new Promise((resolve) => waiting.add(resolve));
}
