import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/fakeTradovate.js";
import {
  type PxHarness,
  pxAccountId,
  pxAccountsScenario,
  pxRequestsSince,
  startPxHarness,
} from "./harness.js";

/**
 * What a ProjectX reconnect spends of the login's 200 requests a minute (projectx-protocol.md
 * "Rate limits"), counted by the simulator per route: a doubt about one account is paid for by
 * reading that account again, never the whole login.
 */
let h: PxHarness | undefined;
afterEach(async () => {
  h?.sim.control.interceptProjectX(undefined);
  await h?.cleanup();
  h = undefined;
});

const NAMES = ["TSX7001", "TSX7002", "TSX7003", "TSX7004", "TSX7005", "TSX7006"];
const accountOf = (body: unknown) => (body as { accountId?: unknown } | undefined)?.accountId;
/** The picture's routes, without the token checks and logins around them. */
const pictureReads = (spent: Record<string, number>) => {
  const { "Account/search": accounts, "Trade/search": trades } = spent;
  const { "Position/searchOpen": positions, "Order/searchOpen": orders, "Order/search": ended } = spent;
  return { accounts, trades, positions, orders, ended };
};

describe("ProjectX reconnect: the request budget goes to the accounts in doubt", () => {
  it("an order request on its way across the reconnect has its own account read again, not the other five", async () => {
    h = await startPxHarness({ scenario: pxAccountsScenario(NAMES) });
    const { sim } = h;
    const { session, seen } = h.open();
    await session.start();
    const busy = pxAccountId(sim, "TSX7003");
    const last = pxAccountId(sim, "TSX7006");
    let stage: "idle" | "held" | "released" = "idle";
    let release = () => {};
    sim.control.interceptProjectX((route, body) => {
      if (stage === "idle" && route === "Order/place") {
        stage = "held";
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      }
      // Carried out once the reconnect has read TSX7003 and gone on to the last account.
      if (stage === "held" && route === "Trade/search" && accountOf(body) === last) {
        stage = "released";
        release();
      }
      return undefined;
    });
    const placed = session.placeOrder({
      accountId: busy,
      accountName: "TSX7003",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "across-the-reconnect",
    });
    await waitFor(() => stage === "held", 3000, "the order held on its way in");
    const before = sim.control.projectxRequests();
    sim.control.dropSockets({ user: "topstep" });
    await seen.next("connection", (e) => e.state === "reconnecting");
    const resync = await seen.next("sync", (e) => !e.initial);
    expect(await placed).toMatchObject({ ok: true });

    // Six accounts read once (trades, positions, working and the day's orders, trades), TSX7003 once more after its
    // order was answered. Before, the whole login was read twice: 24 trade reads, 12 of each other.
    expect(pictureReads(pxRequestsSince(sim, before))).toEqual({
      accounts: 1,
      trades: 2 * NAMES.length + 2,
      positions: NAMES.length + 1,
      orders: NAMES.length + 1,
      ended: NAMES.length + 1,
    });
    // The order carried out after TSX7003's first read is in the picture, as at the venue.
    const atVenue = sim.control.records().positions.find((p) => p.accountName === "TSX7003");
    expect(atVenue?.netPos).toBe(1);
    expect(resync.positions.filter((p) => p.accountId === busy)).toEqual([
      expect.objectContaining({ contract: "ESZ6", netPos: 1 }),
    ]);
    expect(session.positions(busy)).toEqual([expect.objectContaining({ contract: "ESZ6", netPos: 1 })]);
  });
});
