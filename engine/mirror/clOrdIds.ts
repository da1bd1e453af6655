/**
 * Every follower order the mirror places names the leader order it mirrors in its clOrdId:
 * `mm-<leader order id>-<follower account id>-<set>`. After a reconnect or a restart the follower's
 * open orders are read back from its broker and recognised by this name alone, so none is ever
 * placed twice and each is found again to be modified or cancelled. `<set>` is a token shared by
 * the orders placed together (the two legs of an OCO), fresh for every placement: a broker may
 * refuse a clOrdId it has seen before (ProjectX's customTag must be unique). A leg placed later
 * into a set mimik links itself (its first try was refused) adds a fresh token of its own:
 * `mm-<leader order id>-<follower account id>-<set>-<leg>`.
 */

const PREFIX = "mm-";
const PATTERN = /^mm-(\d{1,20})-(\d{1,20})-([0-9a-z]{1,16})(?:-[0-9a-z]{1,16})?$/;

export function mirrorClOrdId(
  leaderOrderId: number,
  followerAccountId: number,
  set: string,
  leg?: string | undefined,
): string {
  return `${PREFIX}${leaderOrderId}-${followerAccountId}-${set}${leg ? `-${leg}` : ""}`;
}

export function parseMirrorClOrdId(
  clOrdId: string | undefined,
): { leaderOrderId: number; accountId: number; set: string } | undefined {
  const m = clOrdId === undefined ? null : PATTERN.exec(clOrdId);
  if (!m) return undefined;
  return { leaderOrderId: Number(m[1]), accountId: Number(m[2]), set: m[3]! };
}

/**
 * Fresh set tokens: the clock in base 36, never repeating, so tokens of this run never meet
 * tokens of an earlier one (as long as the clock does not go back by more than the tokens used).
 */
export class SetTokens {
  private last = 0;

  constructor(private readonly now: () => number) {}

  next(): string {
    this.last = Math.max(this.last + 1, Math.floor(this.now()));
    return this.last.toString(36);
  }
}
