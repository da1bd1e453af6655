import type { Config } from "../../data/schema.js";
import { REFUSALS } from "../outcome.js";
import { FollowerRisk } from "./followerRisk.js";

/**
 * The followers risk knows, by account name: those of the current config (each once, and never
 * a name that leads a group) plus any whose saved state was loaded. Only configured ones are ever
 * targeted.
 */
export class RiskRoster {
  private readonly followers = new Map<string, FollowerRisk>();

  constructor(private readonly isLeader: (name: string) => boolean) {}

  get(name: string): FollowerRisk | undefined {
    return this.followers.get(name);
  }

  getOrAdd(name: string): FollowerRisk {
    let f = this.followers.get(name);
    if (!f) {
      f = new FollowerRisk(name);
      this.followers.set(name, f);
    }
    return f;
  }

  all(): IterableIterator<FollowerRisk> {
    return this.followers.values();
  }

  /** Marks who is a follower now, with its group and limits; the others stay known, unconfigured. */
  setConfig(config: Config): void {
    const seen = new Set<string>();
    for (const group of config.groups) {
      for (const fc of group.followers) {
        if (this.isLeader(fc.account) || seen.has(fc.account)) continue;
        seen.add(fc.account);
        const f = this.getOrAdd(fc.account);
        f.group = group.name;
        f.limits = fc.limits ?? {};
        f.configured = true;
        f.shadow = fc.shadow === true;
      }
    }
    for (const f of this.followers.values()) {
      if (seen.has(f.name)) continue;
      f.configured = false;
      f.group = undefined;
    }
  }

  /** Only followers of the current config, and never a name that leads a group. */
  mayTarget(f: FollowerRisk): boolean {
    return f.configured && !this.isLeader(f.name);
  }

  /** A follower a manual action may act on, or the reason it may not. */
  target(name: string): FollowerRisk | string {
    if (this.isLeader(name)) return REFUSALS.leader;
    const f = this.followers.get(name);
    if (!f || !this.mayTarget(f)) return REFUSALS.notFollower;
    return f;
  }
}
