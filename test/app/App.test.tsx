import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { plainTheme } from "../../components/theme.js";
import type { Config } from "../../data/schema.js";
import { type EngineCommand, type FlattenTarget, type Outcome, SKIP_REASONS } from "../../engine/index.js";
import { App } from "../../src/app/App.js";
import { memoryHolder } from "../../src/app/configHolder.js";
import { demoConfig } from "../../src/demo/demoConfig.js";
import { type Actions, createActions } from "../../src/process/actions.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { waitFor, waitForFrame } from "../components/helpers.js";

/** The real actions over a config held in memory and an engine that records its commands. */
function fakeActions(config: Config, store: EngineStore) {
  const holder = memoryHolder(config);
  holder.subscribe(store.setConfig);
  store.setConfig(holder.get());
  const calls: { flatten: FlattenTarget[]; unlock: string[] } = { flatten: [], unlock: [] };
  const engine = {
    async execute(command: EngineCommand): Promise<Outcome[]> {
      if (command.cmd === "flatten") {
        calls.flatten.push(command.target);
        return [{ target: "DEMO2001", status: "locked", sent: 1 }];
      }
      if (command.cmd === "unlock") calls.unlock.push(command.follower);
      return [{ target: command.follower, status: "unlocked" }];
    },
  };
  const actions: Actions = createActions({ engine, holder, events: () => () => undefined });
  return { actions, calls, holder };
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function mount(config = demoConfig()) {
  const store = new EngineStore({ batchMs: 5 });
  const fake = fakeActions(config, store);
  const now = Date.now();
  store.push({
    type: "connectionStatus",
    at: now,
    connection: "sim",
    broker: "tradovate",
    state: "connected",
  });
  store.push({
    type: "budget",
    at: now,
    connection: "sim",
    budget: { left: 5000, limit: 5000, windowMs: 3_600_000, refused: 0 },
  });
  store.push({ type: "latency", at: now, p50: 0.2, p99: 0.9, count: 10 });
  store.push({
    type: "positions",
    at: now,
    account: "DEMO2001",
    positions: [{ contract: "NQZ6", netPos: 2 }],
  });
  let quit = 0;
  const app = render(
    <App
      actions={fake.actions}
      store={store}
      mode="DEMO"
      theme={plainTheme}
      onQuit={() => {
        quit += 1;
      }}
      size={{ columns: 100, rows: 30 }}
      tickMs={60_000}
    />,
  );
  cleanup = () => {
    app.unmount();
    store.dispose();
  };
  return { ...app, store, ...fake, quits: () => quit };
}

/** The leader's BUY 2 NQZ6 @ 25000 in the demo's group, as the engine reports it. */
const leaderBuy2Nq = () => ({
  type: "leaderFill" as const,
  at: Date.now(),
  group: "Index Scalps",
  leader: "DEMO1000",
  fillId: 1,
  orderId: 1,
  contract: "NQZ6",
  side: "Buy" as const,
  qty: 2,
  price: 25000,
  positionBefore: 0,
  positionAfter: 2,
});

describe("the console app", () => {
  it("shows the panes, the demo mode and the selected group's followers", async () => {
    const { lastFrame } = mount();
    const frame = await waitForFrame(lastFrame, (f) => f.includes("DEMO2003") || f.includes("tight"));
    expect(frame).toContain("DEMO");
    expect(frame).toContain("Index Scalps");
    expect(frame).toContain("NQZ6 +2");
  });

  it("shows a leader fill with each follower's outcome as events arrive", async () => {
    const { lastFrame, store } = mount();
    store.push(leaderBuy2Nq());
    store.push({
      type: "copy",
      at: Date.now(),
      group: "Index Scalps",
      follower: "DEMO2003",
      fillId: 1,
      contract: "NQZ6",
      outcome: "skipped",
      reason: "locked",
    });
    await waitForFrame(lastFrame, (f) => f.includes("locked") && f.includes("25000"));
  });

  it("a follower whose own mirrored order answers the leader's fill shows it as a mirror, not a skip", async () => {
    const { lastFrame, store } = mount();
    store.push(leaderBuy2Nq());
    for (const [follower, reason] of [
      ["DEMO2003", SKIP_REASONS.mirrored],
      ["DEMO2001", SKIP_REASONS.locked],
    ] as const)
      store.push({
        type: "copy",
        at: Date.now(),
        group: "Index Scalps",
        follower,
        fillId: 1,
        contract: "NQZ6",
        outcome: "skipped",
        reason,
      });
    await waitForFrame(lastFrame, (f) => f.includes("its own mirrored order") && f.includes("locked"));
    const lines = (lastFrame() ?? "").split("\n");
    // Shown by their labels: DEMO2003 is "tight", DEMO2001 "half".
    expect(lines.find((l) => l.includes("tight") && l.includes("mirrored order"))).toContain("↔ mirror");
    expect(lines.find((l) => l.includes("half") && l.includes("locked"))).toContain("- skipped");
  });

  it("a lock the state file did not take is said on screen until it is saved", async () => {
    const { lastFrame, store } = mount();
    store.push({
      type: "followerState",
      at: 0,
      follower: "DEMO2001",
      state: "LOCKED",
      reason: "manual",
      unsaved: true,
    });
    await waitForFrame(lastFrame, (f) => f.includes("NOT SAVED"));
    store.push({ type: "followerState", at: 0, follower: "DEMO2001", state: "LOCKED", reason: "manual" });
    await waitForFrame(lastFrame, (f) => f.includes("LOCKED") && !f.includes("NOT SAVED"));
  });

  it("a follower whose login has no market data shows BLIND and why, until prices are back", async () => {
    const { lastFrame, store } = mount();
    store.push({ type: "followerState", at: 0, follower: "DEMO2001", state: "ACTIVE", pricesStale: true });
    await waitForFrame(lastFrame, (f) => f.includes("BLIND") && f.includes("market data down"));
    store.push({ type: "followerState", at: 0, follower: "DEMO2001", state: "ACTIVE" });
    await waitForFrame(lastFrame, (f) => !f.includes("BLIND"));
  });

  it("toggles the selected follower with space", async () => {
    const { lastFrame, stdin, holder } = mount();
    const before = await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("\t"); // focus the followers pane
    await waitForFrame(lastFrame, (f) => f !== before);
    stdin.write(" ");
    await waitFor(() => holder.get().groups[0]?.followers[0]?.enabled === false, 2000, "follower disabled");
    await waitForFrame(lastFrame, (f) => f.includes("disabled"));
  });

  it("flattens only after y, and a stray key cancels", async () => {
    const { lastFrame, stdin, calls } = mount();
    const before = await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("\t");
    await waitForFrame(lastFrame, (f) => f !== before);
    stdin.write("f");
    await waitForFrame(lastFrame, (f) => f.includes("Flatten and lock") && f.includes("y/N"));
    stdin.write("x");
    await waitForFrame(lastFrame, (f) => f.includes("cancelled"));
    expect(calls.flatten).toEqual([]);
    stdin.write("f");
    await waitForFrame(lastFrame, (f) => f.includes("y/N"));
    stdin.write("y");
    await waitFor(() => calls.flatten.length === 1, 2000, "flatten called");
    expect(calls.flatten[0]).toEqual({ follower: "DEMO2001" });
  });

  it("acts on every key of a read that holds several (typed fast, or over SSH)", async () => {
    const { lastFrame, stdin, quits } = mount();
    await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("??"); // help opened and closed again
    stdin.write("\u0011q"); // Ctrl+Q and q in one read, as tmux sends them
    await waitFor(() => quits() === 1, 2000, "quit");
    expect(lastFrame()).toContain("Index Scalps");
  });

  it("a question is answered only by a key read after it is on screen, not by one in the same read", async () => {
    const { lastFrame, stdin, calls } = mount();
    const before = await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("\t");
    await waitForFrame(lastFrame, (f) => f !== before);
    stdin.write("fy"); // typed fast over SSH, or pasted: one read
    await waitForFrame(lastFrame, (f) => f.includes("Flatten and lock") && f.includes("y/N"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.flatten).toEqual([]);
    stdin.write("y");
    await waitFor(() => calls.flatten.length === 1, 2000, "flatten called");
    expect(calls.flatten[0]).toEqual({ follower: "DEMO2001" });
    stdin.write("!yy"); // flatten ALL asked, and both answers came with it
    await waitForFrame(lastFrame, (f) => f.includes("Flatten and lock ALL") && f.includes("y/N"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.flatten).toHaveLength(1);
  });

  it("Ctrl+C in the same read as a question still quits", async () => {
    const { lastFrame, stdin, quits, calls } = mount();
    const before = await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("\t");
    await waitForFrame(lastFrame, (f) => f !== before);
    stdin.write("fy\u0003");
    await waitFor(() => quits() === 1, 2000, "quit");
    expect(calls.flatten).toEqual([]);
  });

  it("opens help with ? and quits with q", async () => {
    const { lastFrame, stdin, quits } = mount();
    await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("?");
    await waitForFrame(lastFrame, (f) => f.includes("Flatten+lock ALL"));
    stdin.write("?");
    await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("q");
    await waitFor(() => quits() === 1, 2000, "quit");
  });

  it("edits a follower's multiplier in a form, refusing bad input, and saves through the config", async () => {
    const { lastFrame, stdin, holder, actions } = mount();
    let saved: unknown;
    actions.saveFollower = async (group, original, follower) => {
      saved = { group, original, follower };
      return { target: follower.account, status: "saved", reason: "follower saved" };
    };
    const before = await waitForFrame(lastFrame, (f) => f.includes("Index Scalps"));
    stdin.write("\t");
    await waitForFrame(lastFrame, (f) => f !== before);
    stdin.write("e");
    await waitForFrame(lastFrame, (f) => f.includes("Edit follower DEMO2001"));
    // Keys written back to back, before a frame is drawn, each see the state the last one left.
    for (let i = 0; i < 3; i++) stdin.write("\t"); // account → enabled → sizing → multiplier
    await waitForFrame(lastFrame, (f) => /› Multiplier\s+0\.5▏/.test(f));
    stdin.write("\u0015"); // Ctrl+U clears the field
    await waitForFrame(lastFrame, (f) => f.includes("required"));
    stdin.write("0.1234");
    await waitForFrame(lastFrame, (f) => f.includes("at most 3 decimals"));
    stdin.write("\u0015");
    stdin.write("0.25");
    await waitForFrame(lastFrame, (f) => f.includes("0.25") && !f.includes("at most 3 decimals"));
    stdin.write("\r");
    await waitFor(() => saved !== undefined, 2000, "saveFollower called");
    expect(saved).toMatchObject({
      group: "Index Scalps",
      original: "DEMO2001",
      follower: { account: "DEMO2001", sizing: { mode: "multiplier", value: 0.25 } },
    });
    await waitForFrame(lastFrame, (f) => f.includes("follower saved"));
    expect(holder.get().groups[0]?.followers[0]?.sizing).toEqual({ mode: "multiplier", value: 0.5 });
  });
});
