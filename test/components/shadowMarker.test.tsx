import { describe, expect, it } from "vitest";
import { fillLines } from "../../components/FillsPane.js";
import { followerInfo, followerRows, SHADOW_SYMBOL } from "../../components/FollowersPane.js";
import type { FollowerRowVM } from "../../src/screen/viewModel.js";

const row = (patch: Partial<FollowerRowVM>): FollowerRowVM => ({
  account: "DEMO2003",
  broker: "Tradovate",
  connection: "down",
  sizing: "×1",
  enabled: true,
  state: "ACTIVE",
  position: "NQZ6 +2",
  ...patch,
});

describe("issue 16: a shadow follower on screen", () => {
  it("the followers pane marks it where the connection would be, and its title says nothing is sent", () => {
    const [shadow] = followerRows([row({ shadow: true })]);
    expect(shadow?.cells.conn).toEqual({ text: SHADOW_SYMBOL, tone: "muted" });
    expect(followerInfo(row({ shadow: true }))).toBe("DEMO2003 · SHADOW: nothing is sent");
    const [live] = followerRows([row({})]);
    expect(live?.cells.conn).toEqual({ text: "○", tone: "bad" });
    expect(followerInfo(row({}))).toBe("DEMO2003 at Tradovate");
  });

  it("the fills pane shows its would-be order as a shadow result", () => {
    const { rows } = fillLines([
      {
        id: "G:1",
        time: "09:30:00",
        leader: "leader",
        contract: "NQZ6",
        side: "Buy",
        qty: 2,
        price: 25000,
        results: [
          { follower: "DEMO2003", outcome: "shadow", reason: "would BUY 2 NQZ6: copied", latencyMs: 0.2 },
        ],
      },
    ]);
    expect(rows.at(1)?.cells).toMatchObject({
      what: { text: "◇ shadow" },
      detail: "would BUY 2 NQZ6: copied",
    });
  });
});
