import type { SyncEvent } from "../types.js";
import type { CopierAccounts } from "./ports.js";

/** A leader fill as a step of its position: its id (in time order), its order and its signed size. */
export interface LeaderStep {
  fillId: number;
  orderId: number;
  delta: number;
}

/** A copy's clOrdId names the leader fill it answers and the follower's account (clOrdIdFor). */
const COPY_CLORDID = /^mk-(\d+)-(\d+)$/;

/**
 * The leader position a follower acted on, once its own fills show which leader fills it copied.
 * `steps`: the leader's fills in a contract, oldest first, ending at `end` (its position then);
 * `copied`: the leader fills the follower's copies answer. The latest copied step's position is
 * the least the follower acted on: its copy went, so the copier had acted on it before the kill
 * that kept it off the disk. A later fill of a copied leader order counts as copied: a fixed size
 * copies an order's first fill only, and stepping again for the rest would add N twice. `acted`
 * stands when it is that position or a later one (a later step skipped by a rule, or the leader
 * now); otherwise it is older and gives way.
 */
export function actedSince(
  acted: number,
  now: number,
  end: number,
  steps: readonly LeaderStep[],
  copied: ReadonlySet<number>,
): number {
  const orders = new Set(steps.filter((s) => copied.has(s.fillId)).map((s) => s.orderId));
  let after = end;
  const later = new Set([now, end]);
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    const step = steps[i]!;
    if (orders.has(step.orderId)) return later.has(acted) ? acted : after;
    after -= step.delta;
    later.add(after);
  }
  return acted;
}

/**
 * What a start's snapshots say of the copies that went before it. What a follower acted on is
 * written some 50 ms after its copy, off the copy path (ActedOn): killed inside that window, the
 * restart's re-sync saw the leader a step past the file and took that step again. A multiplier
 * follower at the rule is judged by its size (reconcileStep); a fixed-size one is not (its size
 * says nothing of the orders it copied): its reduce of 2 → 1 with the leader 4 → 1 sold the last
 * one too, and with reconcile "full" a second add took it 4 → 6. Each account's fills in the
 * snapshot say it: a follower's copy names its leader fill. Read at a follower's first reconcile
 * only: after it, what it acted on is in memory, step by step.
 */
export class SentBefore {
  /** Leader → contract → its snapshot's fills (oldest first) and its position at the snapshot. */
  private readonly leaders = new Map<string, Map<string, { steps: LeaderStep[]; end: number }>>();
  /** Follower → the leader fills its snapshot's copies answer, until its first reconcile. */
  private readonly copied = new Map<string, Set<number>>();

  constructor(private readonly accounts: Pick<CopierAccounts, "nameAt" | "role">) {}

  /** A login's first snapshot of this run: its accounts' fills are every one of the day's. */
  record(event: SyncEvent): void {
    if (!event.initial || !event.fills) return;
    for (const account of event.accounts) {
      const name = this.accounts.nameAt(event.connection, account.id);
      const role = name === undefined ? undefined : this.accounts.role(name);
      if (!name || !role) continue;
      const fills = event.fills.filter((f) => f.accountId === account.id).sort((a, b) => a.fillId - b.fillId);
      if (role.kind === "follower") {
        const ids = new Set<number>();
        for (const f of fills) {
          const named = COPY_CLORDID.exec(f.clOrdId ?? "");
          if (named && Number(named[2]) === account.id) ids.add(Number(named[1]));
        }
        this.copied.set(name, ids);
        continue;
      }
      const byContract = new Map<string, { steps: LeaderStep[]; end: number }>();
      for (const p of event.positions)
        if (p.accountId === account.id) byContract.set(p.contract, { steps: [], end: p.netPos });
      for (const f of fills) {
        const line = byContract.get(f.contract) ?? { steps: [], end: 0 };
        line.steps.push({ fillId: f.fillId, orderId: f.orderId, delta: f.side === "Buy" ? f.qty : -f.qty });
        byContract.set(f.contract, line);
      }
      this.leaders.set(name, byContract);
    }
  }

  /**
   * The leader contracts whose acted-on position the follower's copies show to be stale, with the
   * position it acted on; taken once, when both snapshots are in. `now`: the leader's position.
   */
  take(
    follower: string,
    leader: string,
    acted: (contract: string) => number,
    now: (contract: string) => number,
  ): Map<string, number> {
    const fixed = new Map<string, number>();
    const copied = this.copied.get(follower);
    const lines = this.leaders.get(leader);
    if (!copied || !lines) return fixed;
    this.copied.delete(follower);
    if (copied.size === 0) return fixed;
    for (const [contract, { steps, end }] of lines) {
      const was = acted(contract);
      const is = actedSince(was, now(contract), end, steps, copied);
      if (is !== was) fixed.set(contract, is);
    }
    return fixed;
  }
}
