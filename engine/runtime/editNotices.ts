import type { Config } from "../../data/schema.js";
import { mapContract } from "../symbols.js";
import type { AccountRoute } from "../types.js";
import { heldBy, heldWords } from "./heldLines.js";
import { seats, strandedByLeaderChange } from "./leaderChange.js";
import { strandedByMapping } from "./mappingChange.js";

type Accounts = { route(account: string): AccountRoute | undefined };

/** What a config edit did to a follower's position, said once as it is applied. */
export interface EditNotice {
  level: "info" | "warn";
  follower: string;
  message: string;
}

/**
 * The trader hears of positions an edit leaves that no leader of theirs will close, and of each
 * follower told it left its group coming back into one (an edit undone seconds later, say): the
 * alerts and the journal would otherwise end at "left group … flatten it by hand" for a follower
 * whose leader closes it again. Remembers who was told it left, for as long as this runs.
 */
export class EditNotices {
  private readonly left = new Map<string, { group: string; leader: string }>();

  of(before: Config | undefined, after: Config, accounts: Accounts): EditNotice[] {
    const out: EditNotice[] = this.back(after, accounts);
    for (const s of [
      ...strandedByLeaderChange(before, after, accounts),
      ...strandedByMapping(before, after, accounts),
    ]) {
      if (s.left) this.left.set(s.follower, s.left);
      out.push({ level: "warn", follower: s.follower, message: s.message });
    }
    return out;
  }

  private back(after: Config, accounts: Accounts): EditNotice[] {
    const now = seats(after);
    const out: EditNotice[] = [];
    for (const [account, was] of this.left) {
      const is = now.get(account);
      if (!is) continue;
      this.left.delete(account);
      const again = is.group === was.group && is.leader === was.leader;
      const where = again
        ? `${account} is back in group "${is.group}" (leader ${is.leader})`
        : `${account}, which left group "${was.group}" (leader ${was.leader}), is in group "${is.group}" (leader ${is.leader}) now`;
      const held = heldBy(accounts, account);
      if (held.length === 0) {
        out.push({ level: "info", follower: account, message: `${where}, flat` });
        continue;
      }
      const leads = heldBy(accounts, is.leader);
      const traded = (contract: string) =>
        leads.some((p) => mapContract(p.contract, is.follower.mapping) === contract);
      const closed = held.filter((p) => traded(p.contract)).map(heldWords);
      const alone = held.filter((p) => !traded(p.contract)).map(heldWords);
      const parts = [
        closed.length > 0 ? `${is.leader}'s exits close ${again ? "it again" : "it"}` : undefined,
        alone.length > 0
          ? `${is.leader} holds none of ${alone.join(", ")}: no leader's exit closes ${alone.length > 1 ? "them" : "it"} now, flatten by hand`
          : undefined,
      ].filter((p) => p !== undefined);
      out.push({
        level: alone.length > 0 ? "warn" : "info",
        follower: account,
        message: `${where} while it holds ${held.map(heldWords).join(", ")}; ${parts.join("; ")}`,
      });
    }
    return out;
  }
}
