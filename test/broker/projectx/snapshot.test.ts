import { describe, expect, it } from "vitest";
import type { Envelope } from "../../../engine/broker/projectx/rest.js";
import { readSnapshot, SNAPSHOT_TRIES } from "../../../engine/broker/projectx/snapshot.js";

const ES = "CON.F.US.EP.Z26";

/**
 * One ProjectX account at a venue that trades while it is read: `during(n)` runs before the n-th
 * request (0-based), so a fill can land between any two reads of the picture.
 */
function venue(during: (n: number, v: ReturnType<typeof venue>) => void = () => {}) {
  const v = {
    netPos: 1,
    trades: [{ id: 1, voided: false }],
    asked: [] as string[],
    fill(id: number, size: number) {
      v.netPos += size;
      v.trades.push({ id, voided: false });
    },
    async call(path: string, _body: object): Promise<Envelope> {
      during(v.asked.length, v);
      v.asked.push(path);
      const ok = { success: true, errorCode: 0, errorMessage: null };
      if (path === "Account/search")
        return { ...ok, accounts: [{ id: 7, name: "TSX7", balance: 50_000, canTrade: true }] };
      if (path === "Position/searchOpen")
        return {
          ...ok,
          positions:
            v.netPos === 0
              ? []
              : [
                  {
                    id: 1,
                    accountId: 7,
                    contractId: ES,
                    type: v.netPos > 0 ? 1 : 2,
                    size: Math.abs(v.netPos),
                    averagePrice: 6800,
                  },
                ],
        };
      if (path === "Order/searchOpen") return { ...ok, orders: [] };
      return {
        ...ok,
        trades: v.trades.map((t) => ({
          ...t,
          accountId: 7,
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

const read = (v: ReturnType<typeof venue>) =>
  readSnapshot((path, body) => v.call(path, body), [{ id: 7 }], "2026-01-12T00:00:00Z");
const sizeOf = (s: Awaited<ReturnType<typeof read>>) => s.positions.reduce((n, p) => n + p.netPos, 0);

describe("the picture of a ProjectX account read while it trades", () => {
  it("a quiet account: its trades read before and after its positions and orders, once", async () => {
    const v = venue();
    const s = await read(v);
    expect(v.asked).toEqual([
      "Account/search",
      "Trade/search",
      "Position/searchOpen",
      "Order/searchOpen",
      "Trade/search",
    ]);
    expect(sizeOf(s)).toBe(1);
    expect(s.trades.map((t) => t.id)).toEqual([1]);
  });

  // Request n: 0 Account/search, 1 Trade/search, 2 Position/searchOpen, 3 Order/searchOpen, 4 Trade/search.
  it.each([
    ["after the positions read (in the trades, not the position)", 3],
    ["before the positions read (in the position, not the first trades)", 2],
    ["before the last trades read", 4],
  ])("a fill %s: read again, so its position and its history agree", async (_what, at) => {
    const v = venue((n, x) => {
      if (n === at) x.fill(2, -1);
    });
    const s = await read(v);
    expect(v.asked).toHaveLength(8);
    expect(sizeOf(s)).toBe(0);
    expect(s.trades.map((t) => t.id)).toEqual([1, 2]);
  });

  it("a bust between the reads (the same trade, voided now) reads it again too", async () => {
    const v = venue((n, x) => {
      if (n === 3) {
        x.trades[0]!.voided = true;
        x.netPos = 0;
      }
    });
    const s = await read(v);
    expect(v.asked).toHaveLength(8);
    expect(sizeOf(s)).toBe(0);
    expect(s.trades.map((t) => t.voided)).toEqual([true]);
  });

  it("an account that trades during every read fails the picture, with the account named", async () => {
    let id = 10;
    const v = venue((n, x) => {
      if (n >= 2 && x.asked.at(-1) !== "Trade/search") x.fill(id++, 1);
    });
    await expect(read(v)).rejects.toThrow(`ProjectX account 7 traded during each of ${SNAPSHOT_TRIES} reads`);
  });
});
