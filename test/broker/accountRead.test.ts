import { describe, expect, it } from "vitest";
import { accountsOf, pictureFor, readAccounts } from "../../engine/broker/accountRead.js";

/** Answers each `<type>/ldeps` from a table, recording what was asked in which round. */
function lister(table: Record<string, Array<Record<string, unknown>>>) {
  const asked: string[] = [];
  const read = async (endpoint: string, query: string) => {
    asked.push(`${endpoint}?${query}`);
    const type = endpoint.replace("/ldeps", "");
    return table[type] ?? [];
  };
  return { asked, read };
}

describe("an account read again over the live socket", () => {
  it("reads by account, then by order, then the working orders' reports, as a SyncMessage", async () => {
    const { asked, read } = lister({
      position: [{ id: 1, accountId: 7, contractId: 9, netPos: 1 }],
      order: [
        { id: 50, accountId: 7, ordStatus: "Filled" },
        { id: 51, accountId: 7, ordStatus: "Working" },
      ],
      cashBalance: [{ id: 3, accountId: 7, amount: 100 }],
      orderVersion: [{ id: 60, orderId: 51, orderQty: 1, orderType: "Limit" }],
      command: [
        { id: 70, orderId: 50, clOrdId: "mk-1" },
        { id: 71, orderId: 51, clOrdId: "mm-2" },
      ],
      fill: [{ id: 80, orderId: 50, qty: 1 }],
      executionReport: [{ id: 90, commandId: 71, orderId: 51, cumQty: 0 }],
    });
    const picture = await readAccounts(read, [7, 8]);
    expect(asked).toEqual([
      "position/ldeps?masterids=7,8",
      "order/ldeps?masterids=7,8",
      "cashBalance/ldeps?masterids=7,8",
      "orderVersion/ldeps?masterids=50,51",
      "command/ldeps?masterids=50,51",
      "fill/ldeps?masterids=50,51",
      "executionReport/ldeps?masterids=71", // only the working order's: what it filled so far
    ]);
    expect(Object.keys(picture).sort()).toEqual([
      "cashBalances",
      "commands",
      "executionReports",
      "fills",
      "orderVersions",
      "orders",
      "positions",
    ]);
    expect(picture.fills).toEqual([{ id: 80, orderId: 50, qty: 1 }]);
  });

  it("an account with no orders takes three reads", async () => {
    const { asked, read } = lister({ position: [{ id: 1, accountId: 7, contractId: 9, netPos: 0 }] });
    const picture = await readAccounts(read, [7]);
    expect(asked).toHaveLength(3);
    expect(picture).toMatchObject({ orders: [], fills: [], executionReports: [] });
  });

  it("an answer that is not a list fails the read (nothing half-read is applied)", async () => {
    const read = async (endpoint: string) => (endpoint === "order/ldeps" ? "Access is denied" : []);
    await expect(readAccounts(read, [7])).rejects.toThrow("order/ldeps: the answer is not a list");
  });
});

describe("the part of a read that is about some of its accounts", () => {
  it("keeps their positions, orders and cash, and what hangs off their orders; the others' none", () => {
    const picture = {
      positions: [
        { id: 1, accountId: 7, netPos: 1 },
        { id: 2, accountId: 8, netPos: -1 },
      ],
      orders: [
        { id: 50, accountId: 7, ordStatus: "Working" },
        { id: 51, accountId: 8, ordStatus: "Filled" },
      ],
      cashBalances: [
        { id: 3, accountId: 7, amount: 100 },
        { id: 4, accountId: 8, amount: 200 },
      ],
      orderVersions: [
        { id: 60, orderId: 50 },
        { id: 61, orderId: 51 },
      ],
      commands: [
        { id: 70, orderId: 50, clOrdId: "mm-1" },
        { id: 71, orderId: 51, clOrdId: "mk-2" },
      ],
      fills: [{ id: 81, orderId: 51, qty: 1 }],
      executionReports: [{ id: 90, commandId: 70, orderId: 50, cumQty: 0 }],
    };
    expect(pictureFor(picture, new Set([7]))).toEqual({
      positions: [{ id: 1, accountId: 7, netPos: 1 }],
      orders: [{ id: 50, accountId: 7, ordStatus: "Working" }],
      cashBalances: [{ id: 3, accountId: 7, amount: 100 }],
      orderVersions: [{ id: 60, orderId: 50 }],
      commands: [{ id: 70, orderId: 50, clOrdId: "mm-1" }],
      fills: [],
      executionReports: [{ id: 90, commandId: 70, orderId: 50, cumQty: 0 }],
    });
    expect(pictureFor(picture, new Set([7, 8]))).toEqual(picture);
    expect(pictureFor(picture, new Set())).toMatchObject({ positions: [], orders: [], fills: [] });
  });
});

describe("the accounts a props event is about", () => {
  const accountOfOrder = (orderId: number) => (orderId === 50 ? 7 : undefined);
  it.each([
    ["an order", { entityType: "order", entity: { id: 50, accountId: 7 } }, [7]],
    ["a position", { entityType: "position", entity: { accountId: 8, netPos: 1 } }, [8]],
    ["a fill, by its order", { entityType: "fill", entity: { id: 80, orderId: 50 } }, [7]],
    ["a fill of an order not known", { entityType: "fill", entity: { id: 81, orderId: 99 } }, []],
    ["an array of entities", { entityType: "order", entity: [{ accountId: 7 }, { accountId: 8 }] }, [7, 8]],
    ["a contract", { entityType: "contract", entity: { id: 9, name: "ESZ6" } }, []],
    ["no entity", { entityType: "order" }, []],
    ["not an object", "nope", []],
  ])("%s", (_what, d, accounts) => {
    expect(accountsOf(d, accountOfOrder)).toEqual(accounts);
  });
});
