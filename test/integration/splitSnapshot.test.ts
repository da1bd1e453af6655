import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { WebSocketConstructor, WebSocketLike } from "../../engine/broker/socket.js";
import { eventually, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * A Tradovate snapshot comes in parts and nothing marks the last one (tradovate-protocol.md §10):
 * a re-sync must never act on the parts that came so far. Judged on the simulator's book: the
 * part with the leader's positions is held back at its re-sync, and no follower may be closed
 * while the leader still holds.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Holds back, once armed, the next sync reply part that carries `positions`, until released. */
class HeldPositions {
  private armed = false;
  private held: (() => void) | undefined;
  taken = false;

  arm(): void {
    this.armed = true;
  }

  /** Lets the held part through (at the latest after a second, so a client that waits for it gets it). */
  release(): void {
    const deliver = this.held;
    this.held = undefined;
    deliver?.();
  }

  readonly impl: WebSocketConstructor = (() => {
    const hold = this;
    return class implements WebSocketLike {
      onopen: WebSocketLike["onopen"] = null;
      onmessage: WebSocketLike["onmessage"] = null;
      onclose: WebSocketLike["onclose"] = null;
      onerror: WebSocketLike["onerror"] = null;
      private readonly ws: WebSocket;
      constructor(url: string) {
        this.ws = new WebSocket(url);
        this.ws.onopen = (ev) => this.onopen?.(ev);
        this.ws.onclose = (ev) => this.onclose?.(ev);
        this.ws.onerror = (ev) => this.onerror?.(ev);
        this.ws.onmessage = (ev) => {
          const { now, later } = hold.split(ev.data);
          if (now !== undefined) this.onmessage?.({ data: now });
          if (later === undefined) return;
          hold.held = () => this.onmessage?.({ data: later });
          setTimeout(() => hold.release(), 1000);
        };
      }
      get readyState(): number {
        return this.ws.readyState;
      }
      send(data: string): void {
        this.ws.send(data);
      }
      close(code?: number, reason?: string): void {
        this.ws.close(code, reason);
      }
    };
  })();

  /** What goes through now and what is held: the sim sends a snapshot's parts in one frame. */
  private split(data: unknown): { now?: unknown; later?: string } {
    if (!this.armed || typeof data !== "string" || !data.startsWith("a[")) return { now: data };
    const messages = JSON.parse(data.slice(1)) as Array<{ s?: number; d?: unknown }>;
    const late = (m: { s?: number; d?: unknown }) =>
      m.s === 200 && typeof m.d === "object" && m.d !== null && "positions" in m.d;
    if (!messages.some(late)) return { now: data };
    this.armed = false;
    this.taken = true;
    const frame = (list: unknown[]) => (list.length > 0 ? `a${JSON.stringify(list)}` : undefined);
    return { now: frame(messages.filter((m) => !late(m))), later: frame(messages.filter(late)) };
  }
}

describe("a re-sync whose snapshot comes in parts (against the simulator)", () => {
  it("the part with the leader's positions comes late: no follower is closed while the leader holds", async () => {
    const hold = new HeldPositions();
    t = await startTwoLogins(undefined, (c) => (c === "demo" ? { WebSocketImpl: hold.impl } : {}));
    const r = t;
    let syncs = 0;
    // A client that acts on the parts in hand gets the rest right after: its mistake is made.
    r.sessions.get("demo")?.on((e) => {
      if (e.type !== "sync") return;
      syncs += 1;
      hold.release();
    });
    await eventually(
      () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
      "connected",
    );
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    await eventually(() => position(r.sim, "APEX3002", "ESZ6") === 1, "APEX3002 long 1");

    hold.arm();
    const before = syncs;
    r.sim.control.dropSockets({ user: "demo" });
    await eventually(() => hold.taken && syncs > before, "the leader re-synced", 10_000);
    // A marker: the leader adds one; its copy reaches the broker after anything the re-sync sent.
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const buys = () =>
      r.sim.control
        .records()
        .orders.filter((o) => o.isAutomated && o.accountName === "APEX3001" && o.action === "Buy");
    await eventually(() => buys().length >= 2, "the marker copied to APEX3001");
    const sells = r.sim.control
      .records()
      .orders.filter((o) => o.isAutomated && o.accountName !== "DEMO1000" && o.action === "Sell");
    expect(sells.map((o) => [o.accountName, o.qty])).toEqual([]);
    expect(position(r.sim, "DEMO1000", "ESZ6")).toBe(3);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 3, "APEX3001 long 3");
  });
});
