/** One out-of-sync line of a follower: what it has and what the rule expects, in one contract. */
export interface SyncLine {
  contract: string;
  has: number;
  expects: number;
  inSync: boolean;
}

export interface ResyncPlan {
  /** Orders to send: the signed difference per contract; `exit` when it only reduces. */
  send: { contract: string; delta: number; exit: boolean }[];
  /** Contracts whose fix would open exposure while the follower may not open. */
  held: string[];
}

/**
 * What a resync sends: the difference between what the follower has and what the rule expects,
 * per contract. A fix that would open exposure (grow the position, or cross to the other side)
 * is held back while the follower may not open; one that only reduces always goes.
 */
export function planResync(lines: readonly SyncLine[], mayOpen: boolean): ResyncPlan {
  const plan: ResyncPlan = { send: [], held: [] };
  for (const line of lines) {
    if (line.inSync) continue;
    const opens = Math.abs(line.expects) > Math.abs(line.has) || Math.sign(line.expects) * line.has < 0;
    if (opens && !mayOpen) plan.held.push(line.contract);
    else plan.send.push({ contract: line.contract, delta: line.expects - line.has, exit: !opens });
  }
  return plan;
}
