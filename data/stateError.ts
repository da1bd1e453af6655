import { formatProblems, type Problem } from "./problems.js";

/**
 * The runtime state file cannot be used. mimik refuses to start rather than start from empty state:
 * the file holds locks and trailing high-water marks, and quietly forgetting a trailing lock would
 * let a follower that hit its drawdown trade again. Renaming the file aside automatically would
 * have the same effect one restart later, so the trader decides (the message says how).
 *
 * Its own module: the main thread only recognises it, and data/state.ts builds its schemas as it
 * loads.
 */
export class StateError extends Error {
  constructor(readonly problems: Problem[]) {
    super(formatProblems(problems));
    this.name = "StateError";
  }
}
