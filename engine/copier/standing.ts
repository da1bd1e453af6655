import type { Config, Follower, Group } from "../../data/schema.js";
import type { FollowerState } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import { standsAside } from "./gates.js";
import type { CopierAccounts, FollowerGate } from "./ports.js";
import type { SyncWatch } from "./syncWatch.js";

export interface StandingDeps {
  accounts: Pick<CopierAccounts, "role">;
  gate(follower: string): FollowerGate;
  watch: Pick<SyncWatch, "expectedChanged">;
}

/** Why the follower takes no openings now (its group paused, itself off, a lock); undefined when it does. */
export function asideReason(deps: Pick<StandingDeps, "gate">, group: Group, follower: Follower) {
  const risk = deps.gate(follower.account);
  return standsAside({
    ...{ groupActive: group.active, followerEnabled: follower.enabled },
    ...{ state: risk.state, brokerLocked: risk.brokerLocked ?? false },
  });
}

/**
 * A follower that stands aside (locked, switched off, its group paused) is not expected to match
 * its leader, so OUT OF SYNC looks at it again whenever that changes: a lock clears what its row
 * showed, an unlock or a switch back on shows what differs from the rule, for `r`. Before, a
 * follower locked on purpose showed OUT OF SYNC after every start, and `r` refused it.
 */
export class Standing {
  /** The state each follower was last announced in (followerState). */
  private readonly states = new Map<string, { state: FollowerState; reason: string | undefined }>();
  private config: Config | undefined;

  constructor(private readonly deps: StandingDeps) {}

  /** The risk engine announced a follower's state (a lock, an unlock, a flatten, the broker's lock). */
  riskState(follower: string, state: FollowerState, reason: string | undefined): void {
    const was = this.states.get(follower);
    this.states.set(follower, { state, reason });
    if (was?.state === state) return;
    // An unlock that stopped mimik's flatten is looked at once what that flatten sent has settled
    // (FlattenStopped): the lines it left to the flatten are made up first.
    const flattenStopped = was?.state === "LIQUIDATE_ONLY" && was.reason !== SKIP_REASONS.brokerLocked;
    if (flattenStopped && state === "ACTIVE") return;
    const role = this.deps.accounts.role(follower);
    if (role?.kind === "follower" && !role.follower.shadow)
      this.deps.watch.expectedChanged(role.group, role.follower);
  }

  /** A config edit paused or resumed a group, or switched a follower off or on. */
  setConfig(next: Config): void {
    const before = this.config;
    this.config = next;
    if (!before) return;
    const was = new Map<string, boolean>();
    for (const g of before.groups) for (const f of g.followers) was.set(f.account, g.active && f.enabled);
    for (const group of next.groups)
      for (const f of group.followers) {
        const on = group.active && f.enabled;
        const prior = was.get(f.account);
        if (prior !== undefined && prior !== on && !f.shadow) this.deps.watch.expectedChanged(group, f);
      }
  }
}
