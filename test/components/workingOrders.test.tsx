/**
 * Issue 14 on screen: under the selected follower, each working order (type, side, quantity,
 * price, the leader order it mirrors) and each leader order not mirrored for it with why; from
 * the engine's events through the store and buildScreen to the pane, at 80 columns without colour.
 */
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { FollowersPane } from "../../components/FollowersPane.js";
import { plainTheme } from "../../components/theme.js";
import { buildScreen } from "../../src/app/buildScreen.js";
import { INITIAL_SCREEN } from "../../src/screen/screenState.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { buildConfig } from "../copier/harness.js";
import { screenFixture } from "./fixtures.js";
import { plainLines } from "./helpers.js";

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function frame(node: React.ReactElement): string[] {
  const r = render(node);
  unmount = r.unmount;
  return plainLines(r.lastFrame() ?? "");
}

const followers = screenFixture().followers.map((f, i) =>
  i === 0
    ? {
        ...f,
        orders: [
          {
            side: "Sell" as const,
            qty: 1,
            contract: "NQZ6",
            orderType: "Stop",
            price: "24990",
            status: "Working",
            leaderOrderId: 4567,
          },
          {
            side: "Sell" as const,
            qty: 1,
            contract: "NQZ6",
            orderType: "Limit",
            price: "25020",
            status: "Working",
            leaderOrderId: 4568,
          },
        ],
        notMirrored: [{ leaderOrderId: 4570, reason: "not whitelisted" }],
      }
    : f,
);

describe("followers pane: working orders", () => {
  it("lists the selected follower's working orders and what was not mirrored, under its row", () => {
    const lines = frame(
      <FollowersPane
        followers={followers}
        groupName="NQ Scalps"
        selected={0}
        focused
        width={80}
        height={9}
        theme={plainTheme}
      />,
    );
    const at = lines.findIndex((l) => l.startsWith("›") && l.includes("FOLL1"));
    expect(lines[at + 1]).toMatch(/├ SELL 1 NQZ6 Stop 24990 ← leader order 4567/);
    expect(lines[at + 2]).toMatch(/├ SELL 1 NQZ6 Limit 25020 ← leader order 4568/);
    expect(lines[at + 3]).toMatch(/└ ✗ leader order 4570 not mirrored: not whitelisted/);
    expect(lines[at + 4]).toContain("FOLL2");
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
  });

  it("shows nothing extra under a follower that is not selected", () => {
    const lines = frame(
      <FollowersPane
        followers={followers}
        groupName="NQ Scalps"
        selected={1}
        focused
        width={80}
        height={9}
        theme={plainTheme}
      />,
    );
    expect(lines.join("\n")).not.toContain("leader order");
  });

  it("comes from the engine's workingOrders event through the store and buildScreen", () => {
    const store = new EngineStore();
    const config = buildConfig([{ name: "G", leader: "L", followers: [{ account: "F" }] }]);
    store.setConfig(config);
    store.push({
      type: "workingOrders",
      at: 0,
      account: "F",
      orders: [
        {
          orderId: 9,
          contract: "ESZ6",
          side: "Sell",
          orderType: "StopLimit",
          qty: 2,
          stopPrice: 6790,
          price: 6789.75,
          status: "Working",
          leaderOrderId: 77,
        },
        {
          orderId: 10,
          contract: "ESZ6",
          side: "Buy",
          orderType: "Limit",
          qty: 1,
          price: 6700,
          status: "Working",
        },
      ],
      notMirrored: [{ leaderOrderId: 78, contract: "ESZ6", reason: "locked" }],
    });
    store.publish();
    const vm = buildScreen(store.getSnapshot(), INITIAL_SCREEN, { mode: "SIM", now: 0 });
    expect(vm.followers[0]).toMatchObject({
      orders: [
        { side: "Sell", qty: 2, orderType: "StopLimit", price: "6790/6789.75", leaderOrderId: 77 },
        { side: "Buy", qty: 1, orderType: "Limit", price: "6700", leaderOrderId: undefined },
      ],
      notMirrored: [{ leaderOrderId: 78, reason: "locked" }],
    });
    store.dispose();
    const lines = frame(
      <FollowersPane
        followers={vm.followers}
        groupName="G"
        selected={0}
        focused
        width={120}
        height={8}
        theme={plainTheme}
      />,
    );
    expect(lines.join("\n")).toContain("BUY 1 ESZ6 Limit 6700 (not mimik's)");
  });
  it("shows a trailing stop's distance after its stop, within 80 columns", () => {
    const store = new EngineStore();
    store.setConfig(buildConfig([{ name: "G", leader: "L", followers: [{ account: "F" }] }]));
    store.push({
      type: "workingOrders",
      at: 0,
      account: "F",
      orders: [
        {
          orderId: 9,
          contract: "MNQZ6",
          side: "Sell",
          orderType: "TrailingStop",
          qty: 10,
          stopPrice: 25012.75,
          trail: 12.5,
          status: "Working",
          leaderOrderId: 123456789,
        },
      ],
      notMirrored: [],
    });
    store.publish();
    const vm = buildScreen(store.getSnapshot(), INITIAL_SCREEN, { mode: "SIM", now: 0 });
    store.dispose();
    expect(vm.followers[0]?.orders?.[0]?.price).toBe("25012.75 (trail 12.5)");
    const lines = frame(
      <FollowersPane
        followers={vm.followers}
        groupName="G"
        selected={0}
        focused
        width={80}
        height={8}
        theme={plainTheme}
      />,
    );
    expect(lines.join("\n")).toContain(
      "└ SELL 10 MNQZ6 TrailingStop 25012.75 (trail 12.5) ← leader order 123456789",
    );
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
  });
});
