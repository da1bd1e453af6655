import type { Config } from "../../data/schema.js";
import { mapContract } from "../symbols.js";
import type { AccountRoute } from "../types.js";
import { heldBy, heldWords } from "./heldLines.js";
import type { Stranded } from "./leaderChange.js";

/**
 * What a follower holds that a change of its mapping strands. After `none` → `toMicro`, the
 * leader's ES exits go to MESZ6, so the ESZ6 the follower holds would never be closed by mimik:
 * an orphan made by an edit. Each held contract is checked against the leader contracts that
 * could have put it there (itself, and its mini or micro): one the old mapping sent there and the
 * new one sends elsewhere strands it. Said to the trader, never acted on: the position is theirs
 * to close (SyncWatch shows it OUT OF SYNC while the leader holds the product, for `r`), or the
 * mapping to change back. A follower whose leader changed too hears of that instead
 * (strandedByLeaderChange): the old leader's exits reach it nowhere.
 */
export function strandedByMapping(
  before: Config | undefined,
  after: Config,
  accounts: { route(account: string): AccountRoute | undefined },
): Stranded[] {
  const old = new Map(before?.groups.flatMap((g) => g.followers.map((f) => [f.account, { g, f }])) ?? []);
  const out: Stranded[] = [];
  for (const { g, f } of after.groups.flatMap((g) => g.followers.map((f) => ({ g, f })))) {
    const prior = old.get(f.account);
    const was = prior?.f.mapping;
    if (was === undefined || was === f.mapping || f.shadow || prior?.g.leader !== g.leader) continue;
    for (const { contract, netPos } of heldBy(accounts, f.account)) {
      const from = [contract, mapContract(contract, "toMini"), mapContract(contract, "toMicro")];
      if (!from.some((l) => mapContract(l, was) === contract && mapContract(l, f.mapping) !== contract))
        continue;
      out.push({
        follower: f.account,
        message: `${f.account}: its mapping changed from ${was} to ${f.mapping} while it holds ${heldWords({ contract, netPos })}; the leader's exits now go elsewhere and will not close it: resync it (r) while it shows OUT OF SYNC, flatten it by hand, or change the mapping back`,
      });
    }
  }
  return out;
}
