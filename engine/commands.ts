/**
 * The commands the engine takes from outside (a key, a CLI verb, the control socket), as data:
 * they cross the thread boundary as they are, and each is answered with Outcomes.
 */

/** Who a flatten is for: one follower (name or label, any case), a group's followers, or all. */
export type FlattenTarget = { follower: string } | { group: string } | { all: true };

export type EngineCommand =
  | { cmd: "flatten"; target: FlattenTarget; reason?: string | undefined }
  | { cmd: "lock"; follower: string; reason?: string | undefined }
  | { cmd: "unlock"; follower: string; force?: boolean | undefined }
  | { cmd: "resync"; follower: string };

/** How outcomes and messages name a flatten target: the follower, the group, or "all". */
export function describeTarget(target: FlattenTarget): string {
  return "all" in target ? "all" : "group" in target ? target.group : target.follower;
}

/**
 * How a flatten command by hand is told to risk: one of many followers (a group, every follower)
 * by its name, so its close-outs and locks are said once; a follower's own by its kind alone.
 * `group`: the group's name as the config spells it.
 */
export function byHand(target: FlattenTarget, group?: string): "manual" | { command: string } {
  if ("all" in target) return { command: "flatten of every follower by hand" };
  if ("group" in target) return { command: `flatten of group ${group ?? target.group} by hand` };
  return "manual";
}
