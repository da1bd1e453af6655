import { closest } from "../../data/problems.js";
import type { Config } from "../../data/schema.js";

/**
 * What to say when a command names a follower or a group the config does not have: the name as
 * typed, the nearest right one when there is one (a typo), and the names that would be right.
 * Names compare in any case and a follower's label counts, as AccountDirectory reads them.
 */

export interface NamedFollower {
  account: string;
  label?: string | undefined;
}

/** How many right names a message lists before "and N more". */
const LISTED = 8;

function listed(names: readonly string[]): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, LISTED).join(", ");
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

const withLabel = (f: NamedFollower) => (f.label ? `${f.account} (${f.label})` : f.account);

/** The nearest of `candidates` (display form) to `typed`, compared in any case. */
function nearest(typed: string, candidates: ReadonlyMap<string, string>): string | undefined {
  const key = closest(typed.trim().toLowerCase(), candidates.keys());
  return key === undefined ? undefined : candidates.get(key);
}

/** "no follower named "DEMO200" in the config; did you mean DEMO2001 (half)? (followers: …)" */
export function unknownFollowerText(typed: string, followers: readonly NamedFollower[]): string {
  const byName = new Map<string, string>();
  for (const f of followers) {
    byName.set(f.account.toLowerCase(), withLabel(f));
    if (f.label) byName.set(f.label.toLowerCase(), withLabel(f));
  }
  const guess = nearest(typed, byName);
  return (
    `no follower named "${typed}" in the config${guess ? `; did you mean ${guess}?` : ""} ` +
    `(followers: ${listed(followers.map(withLabel))})`
  );
}

/** "no group named "mian" in the config; did you mean main? (groups: main)" */
export function unknownGroupText(typed: string, groups: readonly string[], where = "in the config"): string {
  const guess = nearest(typed, new Map(groups.map((g) => [g.toLowerCase(), g])));
  return `no group named "${typed}" ${where}${guess ? `; did you mean ${guess}?` : ""} (groups: ${listed(groups)})`;
}

/** Every follower of the config, with its label, in config order (once each). */
export function followersOf(config: Config): NamedFollower[] {
  const labels = new Map(config.accounts.map((a) => [a.name, a.label]));
  const seen = new Set<string>();
  const followers: NamedFollower[] = [];
  for (const g of config.groups)
    for (const f of g.followers) {
      if (seen.has(f.account)) continue;
      seen.add(f.account);
      followers.push({ account: f.account, label: labels.get(f.account) });
    }
  return followers;
}

/**
 * Why `typed` names no account of the config that is a follower or a leader; undefined when it
 * names one (a leader is the engine's to refuse, with its own reason).
 */
export function unknownFollower(config: Config, typed: string): string | undefined {
  const key = typed.trim().toUpperCase();
  const account = config.accounts.find((a) => a.name.toUpperCase() === key || a.label?.toUpperCase() === key);
  if (!account) return unknownFollowerText(typed.trim(), followersOf(config));
  const inGroup = config.groups.some(
    (g) => g.leader === account.name || g.followers.some((f) => f.account === account.name),
  );
  if (inGroup) return undefined;
  return `${account.name} is in the config's accounts but in no group (followers: ${listed(followersOf(config).map(withLabel))})`;
}

/** Why `typed` names no group of the config; undefined when it names one. */
export function unknownGroup(config: Config, typed: string): string | undefined {
  const key = typed.trim().toUpperCase();
  if (config.groups.some((g) => g.name.toUpperCase() === key)) return undefined;
  return unknownGroupText(
    typed.trim(),
    config.groups.map((g) => g.name),
  );
}
