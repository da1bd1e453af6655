import type { Envelope } from "../../../engine/broker/projectx/rest.js";

const ES = "CON.F.US.EP.Z26";

/** One REST request the fake venue is about to answer: its place in the order, route and account. */
export interface VenueRequest {
  n: number;
  path: string;
  accountId: number | undefined;
}

/**
 * ProjectX accounts (ids `ids`, named `TSX<id>`, each long 1 ES with one trade) at a venue that
 * trades while they are read: `during` runs before each REST request is answered, so a fill can
 * land between any two reads of a picture.
 */
export function pxVenue(ids: readonly number[], during: (r: VenueRequest, v: PxVenue) => void = () => {}) {
  const books = new Map(ids.map((id) => [id, { netPos: 1, trades: [{ id: id * 100, voided: false }] }]));
  const book = (accountId: number) => {
    const b = books.get(accountId);
    if (!b) throw new Error(`no account ${accountId}`);
    return b;
  };
  const v = {
    asked: [] as VenueRequest[],
    book,
    fill(accountId: number, tradeId: number, size: number) {
      book(accountId).netPos += size;
      book(accountId).trades.push({ id: tradeId, voided: false });
    },
    /** How many times the account's positions were read. */
    readsOf(accountId: number): number {
      return v.asked.filter((r) => r.path === "Position/searchOpen" && r.accountId === accountId).length;
    },
    async call(path: string, body: object): Promise<Envelope> {
      const accountId = (body as { accountId?: number }).accountId;
      const request = { n: v.asked.length, path, accountId };
      during(request, v);
      v.asked.push(request);
      const ok = { success: true, errorCode: 0, errorMessage: null };
      if (path === "Account/search")
        return {
          ...ok,
          accounts: ids.map((id) => ({ id, name: `TSX${id}`, balance: 50_000, canTrade: true })),
        };
      const b = book(accountId!);
      if (path === "Position/searchOpen")
        return {
          ...ok,
          positions:
            b.netPos === 0
              ? []
              : [
                  {
                    id: accountId,
                    accountId,
                    contractId: ES,
                    type: b.netPos > 0 ? 1 : 2,
                    size: Math.abs(b.netPos),
                    averagePrice: 6800,
                  },
                ],
        };
      if (path === "Order/searchOpen") return { ...ok, orders: [] };
      // Each trade's order, filled (ended): Order/search lists the window's orders, ended ones too.
      if (path === "Order/search")
        return {
          ...ok,
          orders: b.trades.map((t) => ({
            id: 100 + t.id,
            accountId,
            contractId: ES,
            status: 2,
            side: 0,
            size: 1,
            type: 2,
            fillVolume: 1,
            filledPrice: 6800,
            customTag: null,
            creationTimestamp: "2026-01-12T18:00:00Z",
          })),
        };
      return {
        ...ok,
        trades: b.trades.map((t) => ({
          ...t,
          accountId,
          contractId: ES,
          creationTimestamp: "2026-01-12T18:00:00Z",
          price: 6800,
          side: 0,
          size: 1,
          orderId: 100 + t.id,
        })),
      };
    },
  };
  return v;
}

export type PxVenue = ReturnType<typeof pxVenue>;

/** The net position of one account in a picture. */
export function netOf(
  picture: { positions: readonly { accountId: number; netPos: number }[] },
  accountId: number,
): number {
  return picture.positions.filter((p) => p.accountId === accountId).reduce((n, p) => n + p.netPos, 0);
}
