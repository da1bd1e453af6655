/**
 * What a quit would leave half done: followers still being flattened and exits still being
 * retried. Both go on only while mimik runs (a flatten resumes at the next start, an exit is made
 * up at the next re-sync), so `q` asks first when there are any; Ctrl+C stays the way out that
 * never asks.
 */
import type { Config } from "../../data/schema.js";
import type { FollowerLive } from "../store/engineStore.js";

export interface UnfinishedWork {
  /** Followers in LIQUIDATE_ONLY, by the name the screen shows. */
  flattening: string[];
  /** Followers with an exit that failed and is being retried (and not being flattened). */
  retrying: string[];
}

export function unfinishedWork(
  config: Config,
  followers: ReadonlyMap<string, Pick<FollowerLive, "state" | "exitsPending">>,
): UnfinishedWork | undefined {
  const labels = new Map(config.accounts.map((a) => [a.name, a.label]));
  const work: UnfinishedWork = { flattening: [], retrying: [] };
  for (const group of config.groups)
    for (const f of group.followers) {
      const live = followers.get(f.account);
      const name = labels.get(f.account) ?? f.account;
      if (live?.state === "LIQUIDATE_ONLY") work.flattening.push(name);
      else if ((live?.exitsPending.length ?? 0) > 0) work.retrying.push(name);
    }
  return work.flattening.length + work.retrying.length > 0 ? work : undefined;
}

/** "Quit while half is still being flattened? …", whole at 80 columns over three lines. */
export function quitQuestion(work: UnfinishedWork): string {
  const parts: string[] = [];
  const { flattening, retrying } = work;
  if (flattening.length > 0)
    parts.push(`${names(flattening)} ${flattening.length === 1 ? "is" : "are"} still being flattened`);
  if (retrying.length > 0)
    parts.push(
      `${names(retrying)} ${retrying.length === 1 ? "has an exit" : "have exits"} still being retried`,
    );
  const them = flattening.length + retrying.length === 1 ? "it" : "them";
  return `Quit while ${parts.join(" and ")}? Nothing goes on with ${them} until mimik starts again`;
}

/** Up to three names; more would push the question past the lines it has. */
function names(list: readonly string[]): string {
  if (list.length <= 3)
    return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
  return `${list.slice(0, 2).join(", ")} and ${list.length - 2} more`;
}
