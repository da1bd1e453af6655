import type { Config } from "../../data/schema.js";
import { messageOf } from "../messageOf.js";
import { REFUSALS } from "../outcome.js";
import type { RiskStateStore } from "../types.js";
import { FollowerRisk } from "./followerRisk.js";
import { restoredRecord } from "./lockMachine.js";

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

  /**
   * Marks who is a follower now, with its group and limits; the others stay known, unconfigured.
   * Returns those switched between shadow and live (issue 16).
   */
  setConfig(config: Config): FollowerRisk[] {
    const seen = new Set<string>();
    const switched: FollowerRisk[] = [];
    for (const group of config.groups) {
      for (const fc of group.followers) {
        if (this.isLeader(fc.account) || seen.has(fc.account)) continue;
        seen.add(fc.account);
        const known = this.followers.has(fc.account);
        const f = this.getOrAdd(fc.account);
        if (!known) this.takeOtherSpelling(f, () => true);
        f.group = group.name;
        f.limits = fc.limits ?? {};
        f.configured = true;
        if (f.shadow !== (fc.shadow === true)) switched.push(f);
        f.shadow = fc.shadow === true;
      }
    }
    for (const f of this.followers.values()) {
      if (seen.has(f.name)) continue;
      f.configured = false;
      f.group = undefined;
    }
    return switched;
  }

  /** The saved records (an unreadable one comes back locked; `alert` says so). */
  load(store: RiskStateStore, alert: (message: string) => void): void {
    let saved: Record<string, unknown> = {};
    try {
      saved = store.read().followers ?? {};
    } catch (err) {
      alert(`risk: could not read saved risk state (${messageOf(err)}); starting without it`);
    }
    for (const [name, stored] of Object.entries(saved)) {
      const { record, readable } = restoredRecord(stored);
      if (!readable) alert(`${name}: saved risk state unreadable; locked until unlocked by hand`);
      this.getOrAdd(name).record = record;
    }
    this.adoptSaved(new Set(Object.keys(saved)));
  }

  /**
   * After saved records were loaded: a follower with none under its own spelling takes the one
   * saved under another case of its name (a config names accounts without regard to case).
   */
  adoptSaved(saved: ReadonlySet<string>): void {
    for (const f of this.followers.values())
      if (f.configured && !saved.has(f.name)) this.takeOtherSpelling(f, (g) => saved.has(g.name));
  }

  /**
   * The same account retyped in another case keeps its record: a lock is lifted by the trader's
   * unlock, never by an edit of a name's letters.
   */
  private takeOtherSpelling(f: FollowerRisk, eligible: (g: FollowerRisk) => boolean): void {
    const lower = f.name.toLowerCase();
    for (const g of this.followers.values())
      if (g !== f && g.name.toLowerCase() === lower && eligible(g)) {
        f.record = structuredClone(g.record);
        return;
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
