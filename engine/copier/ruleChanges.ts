import type { Config, Follower, Group } from "../../data/schema.js";

/**
 * What a follower's position is judged by: its sizing, mapping and cap, and its group's leader
 * and whitelist. Two followers with the same key expect the same position from the same leader.
 */
export function ruleKey(group: Group, follower: Follower): string {
  const { sizing, mapping, maxContracts, shadow } = follower;
  return JSON.stringify([
    group.leader,
    group.whitelist,
    sizing,
    mapping,
    maxContracts ?? null,
    shadow === true,
  ]);
}

/**
 * The followers whose rule the running config changed, or that joined a group: what they hold was
 * sized by another rule, or by none. They get the look a re-sync gives (SyncWatch), so a position
 * the new rule does not give shows OUT OF SYNC for `r`, instead of "ok" until the next reconnect.
 */
export class RuleChanges {
  private keys: ReadonlyMap<string, string> = new Map();

  /**
   * The followers (with their groups) whose rule is new or changed since the last config. At start
   * that is every one, none synced yet: each account's first sync gives it the look instead.
   */
  update(config: Config): { group: Group; follower: Follower }[] {
    const before = this.keys;
    const keys = new Map<string, string>();
    const changed: { group: Group; follower: Follower }[] = [];
    for (const group of config.groups)
      for (const follower of group.followers) {
        const key = ruleKey(group, follower);
        keys.set(follower.account, key);
        if (before.get(follower.account) !== key) changed.push({ group, follower });
      }
    this.keys = keys;
    return changed;
  }
}
