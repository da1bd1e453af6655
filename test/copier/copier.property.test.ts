import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Sizing } from "../../data/schema.js";
import { mapContract } from "../../engine/symbols.js";
import type { ExitPendingEvent, FillEvent, Side } from "../../engine/types.js";
import { type FollowerSpec, world } from "./harness.js";

/**
 * Random leader-fill sequences with toggles, disconnects, rejects, locks, duplicates, leader
 * reconnects and restarts of mimik (orderly or killed), against the fake in-memory broker.
 * Invariants (design.md §4, issue 18):
 *  1. no order ever targets a leader (even when the wiring resolves a follower to a leader);
 *  2. each leader fill is copied at most once per follower;
 *  3. once every leader is flat, every follower nobody disturbed (toggle, disconnect, reject,
 *     leader reconnect) is flat at the broker — locks, whitelists, caps and rounding included;
 *  4. after every re-sync, no follower holds (with what is on its way) anything in a contract its
 *     leader has closed, unless it is away, an exit of it is pending, or the trader took it over;
 *  5. once every fault is over and the retries have run, no follower is left holding anything
 *     after its leader went flat (never an orphan), whoever disturbed it.
 */

const CONTRACTS = ["ESZ6", "MESZ6", "NQZ6", "CLZ6"] as const;
const FOLLOWERS = ["F1", "F2", "F3", "F4", "F5"] as const;
const GROUP_OF: Record<(typeof FOLLOWERS)[number], 0 | 1> = { F1: 0, F2: 0, F3: 0, F4: 1, F5: 1 };
const LEADERS = ["L1", "L2"] as const;

const sizing: fc.Arbitrary<Sizing> = fc.oneof(
  fc
    .constantFrom(0.1, 0.333, 0.5, 1, 1.1, 1.25, 2, 3)
    .map((value) => ({ mode: "multiplier" as const, value })),
  fc.integer({ min: 1, max: 3 }).map((contracts) => ({ mode: "fixed" as const, contracts })),
);

const followerSpec = (account: string): fc.Arbitrary<FollowerSpec> =>
  fc.record({
    account: fc.constant(account),
    sizing,
    maxContracts: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    mapping: fc.constantFrom("none", "toMicro", "toMini"),
  });

const whitelist = fc.oneof(
  fc.constant({ enabled: false, symbols: [] as string[] }),
  fc.subarray(["ES", "MES", "NQ", "CL"]).map((symbols) => ({ enabled: true, symbols })),
);

const follower = fc.constantFrom(...FOLLOWERS);
const action = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("fill" as const),
      group: fc.constantFrom(0, 1),
      contract: fc.constantFrom(...CONTRACTS),
      side: fc.constantFrom<Side>("Buy", "Sell"),
      qty: fc.integer({ min: 1, max: 5 }),
      sameOrder: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("step" as const), n: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("flush" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("toggleFollower" as const), follower }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("toggleGroup" as const), group: fc.constantFrom(0, 1) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("disconnect" as const), follower }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reconnect" as const), follower }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reject" as const), follower, on: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("risk" as const),
      follower,
      state: fc.constantFrom("ACTIVE" as const, "LOCKED" as const, "LIQUIDATE_ONLY" as const),
      brokerLocked: fc.boolean(),
      tradesLeft: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("duplicate" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("leaderReconnect" as const),
      group: fc.constantFrom(0, 1),
      contract: fc.constantFrom(...CONTRACTS),
      qty: fc.integer({ min: -3, max: 3 }).filter((q) => q !== 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("resync" as const), follower }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("restart" as const), kill: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.constantFrom(60, 1_000, 5_000) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("misroute" as const),
      follower,
      leader: fc.constantFrom(...LEADERS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("brokerMode" as const),
      fillBeforeAck: fc.boolean(),
      hide: fc.boolean(),
      positionFirst: fc.boolean(),
    }),
  },
);

const scenario = fc.record({
  followers: fc.tuple(...FOLLOWERS.map(followerSpec)),
  whitelists: fc.tuple(whitelist, whitelist),
  actions: fc.array(action, { minLength: 1, maxLength: 60 }),
});

describe("copier invariants under random event sequences", () => {
  it(
    "never trades a leader, copies each fill at most once, leaves undisturbed followers flat",
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ followers, whitelists, actions }) => {
          const w = world([
            { name: "g1", leader: "L1", whitelist: whitelists[0], followers: followers.slice(0, 3) },
            { name: "g2", leader: "L2", whitelist: whitelists[1], followers: followers.slice(3) },
          ]);
          for (const leader of LEADERS) w.broker.forbidden.add(w.id(leader));
          const disturbed = new Set<string>();
          const leaderFills: FillEvent[] = [];
          for (const leader of LEADERS) {
            w.session(leader).on((e) => {
              if (e.type === "fill") leaderFills.push(e);
            });
          }
          const lastOrder = new Map<string, number>();
          let nextOrder = 1;
          const disturbGroup = (g: number) => {
            for (const f of FOLLOWERS) if (GROUP_OF[f] === g) disturbed.add(f);
          };
          const misrouted = new Set<string>();
          /**
           * Followers set LIQUIDATE_ONLY: it stands for a flatten under way, which closes their
           * positions instead of the copier (there is no flatten in this world).
           */
          const flattening = new Set<string>();
          /** Followers whose pending exit the "trader" ended (a disable, a LIQUIDATE_ONLY standing in for a flatten). */
          const takenOver = () =>
            new Set([
              ...flattening,
              ...w.events
                .filter(
                  (e): e is ExitPendingEvent => e.type === "exitPending" && e.reason.startsWith("stopped"),
                )
                .map((e) => e.follower),
            ]);
          const exitPending = (f: string, contract: string) =>
            w.events
              .filter(
                (e): e is ExitPendingEvent =>
                  e.type === "exitPending" && e.follower === f && e.contract === contract,
              )
              .at(-1)?.pending === true;
          /** Invariant 4: right after a re-sync, nothing held (or on its way) where the leader is flat. */
          const checkAfterResync = (step: number) => {
            const away = takenOver();
            for (const [g, group] of w.config.groups.entries()) {
              for (const f of group.followers) {
                const name = f.account;
                if (w.down.has(name) || misrouted.has(name) || away.has(name)) continue;
                const byFollowerContract = new Map<string, boolean>();
                for (const c of CONTRACTS) {
                  const fcontract = mapContract(c, f.mapping);
                  const flat = w.copier.leaderPosition(LEADERS[g]!, c) === 0;
                  byFollowerContract.set(fcontract, (byFollowerContract.get(fcontract) ?? true) && flat);
                }
                for (const [fcontract, leaderFlat] of byFollowerContract) {
                  if (!leaderFlat || exitPending(name, fcontract)) continue;
                  expect({
                    step,
                    follower: name,
                    fcontract,
                    has: w.copier.followerPosition(name, fcontract),
                  }).toEqual({
                    step,
                    follower: name,
                    fcontract,
                    has: 0,
                  });
                }
              }
            }
          };
          const reconnect = (f: string) => {
            if (!w.down.has(f)) return;
            w.down.delete(f);
            w.session(f).muted = false;
            w.session(f).sync(false);
          };

          for (const [step, a] of actions.entries()) {
            switch (a.kind) {
              case "fill": {
                const key = `${a.group}|${a.contract}`;
                const orderId = a.sameOrder && lastOrder.has(key) ? lastOrder.get(key)! : nextOrder++;
                lastOrder.set(key, orderId);
                w.trade(LEADERS[a.group]!, a.contract, a.side, a.qty, orderId);
                break;
              }
              case "step":
                for (let i = 0; i < a.n; i += 1) await w.broker.step();
                break;
              case "flush":
                await w.flush();
                break;
              case "toggleFollower": {
                const next = structuredClone(w.config);
                const f = next.groups[GROUP_OF[a.follower]]!.followers.find((x) => x.account === a.follower)!;
                f.enabled = !f.enabled;
                w.setConfig(next);
                disturbed.add(a.follower);
                break;
              }
              case "toggleGroup": {
                const next = structuredClone(w.config);
                next.groups[a.group]!.active = !next.groups[a.group]!.active;
                w.setConfig(next);
                disturbGroup(a.group);
                break;
              }
              case "disconnect":
                w.down.add(a.follower);
                w.session(a.follower).muted = true;
                disturbed.add(a.follower);
                break;
              case "reconnect":
                if (w.down.has(a.follower)) {
                  // What it had written before the drop reached the broker before its new snapshot.
                  await w.flush();
                  reconnect(a.follower);
                  checkAfterResync(step);
                }
                break;
              case "reject":
                if (a.on) {
                  w.broker.rejecting.add(a.follower);
                  disturbed.add(a.follower);
                } else w.broker.rejecting.delete(a.follower);
                break;
              case "risk": {
                const stopsFlatten =
                  w.risk.get(a.follower)?.state === "LIQUIDATE_ONLY" && a.state === "ACTIVE";
                if (a.state === "LIQUIDATE_ONLY") {
                  flattening.add(a.follower);
                  disturbed.add(a.follower);
                }
                w.risk.set(a.follower, {
                  state: a.state,
                  brokerLocked: a.brokerLocked,
                  tradesLeft: a.tradesLeft,
                });
                // A hand unlock that stops the flatten: the exits left to it are the copier's again,
                // and the follower must come back to the rule (no flatten ran in this world).
                if (stopsFlatten) {
                  flattening.delete(a.follower);
                  w.copier.afterFlatten.stopped(a.follower);
                }
                break;
              }
              case "duplicate": {
                const last = leaderFills.at(-1);
                if (last) w.session(LEADERS.find((l) => w.id(l) === last.accountId)!).emit(last);
                break;
              }
              case "leaderReconnect": {
                const leader = LEADERS[a.group]!;
                w.session(leader).muted = true;
                const missed = w.trade(
                  leader,
                  a.contract,
                  a.qty > 0 ? "Buy" : "Sell",
                  Math.abs(a.qty),
                  nextOrder++,
                );
                w.session(leader).muted = false;
                w.session(leader).sync(false, [missed]);
                disturbGroup(a.group);
                checkAfterResync(step);
                break;
              }
              case "restart":
                // mimik stops (or is killed) and starts: every login that is up syncs afresh. A restart
                // takes seconds: orders it had written are at the broker, what followers acted on is
                // on disk (a kill inside that write's 50 ms is the reconcile unit test's business).
                await w.flush();
                w.clock.run(100);
                await w.restart({ kill: a.kill });
                for (const f of FOLLOWERS) disturbed.add(f);
                checkAfterResync(step);
                break;
              case "tick":
                // Time passes: what followers acted on is written, failed exits are tried again.
                w.clock.run(a.ms);
                break;
              case "resync":
                void w.copier.resync(a.follower);
                break;
              case "misroute":
                // A wiring bug: this follower's name now resolves to a leader's account.
                w.misroute.set(a.follower, a.leader);
                disturbed.add(a.follower);
                misrouted.add(a.follower);
                break;
              case "brokerMode":
                w.broker.fillBeforeAck = a.fillBeforeAck;
                w.broker.hideClOrdId = a.hide;
                w.broker.positionFirst = a.positionFirst;
                break;
            }
          }

          // Bring everyone back, then every leader goes flat; every fault ends and the retries run.
          await w.flush();
          w.misroute.clear();
          w.broker.rejecting.clear();
          for (const f of FOLLOWERS) reconnect(f);
          await w.flush();
          for (const leader of LEADERS) {
            for (const contract of CONTRACTS) {
              const l = w.position(leader, contract);
              if (l !== 0) w.trade(leader, contract, l > 0 ? "Sell" : "Buy", Math.abs(l), nextOrder++);
            }
          }
          await w.flush();
          for (let i = 0; i < 8; i += 1) {
            w.clock.run(30_000);
            await w.flush();
          }

          // 1. no order ever targets a leader
          const leaderIds = new Set(LEADERS.map((l) => w.id(l)));
          for (const p of w.broker.placed) {
            expect(leaderIds.has(p.accountId)).toBe(false);
            expect(LEADERS as readonly string[]).not.toContain(p.accountName);
          }
          // 2. at most once per leader fill and follower
          const clOrdIds = w.broker.placed.map((p) => p.clOrdId).filter((id) => !id.startsWith("mk-rs-"));
          expect(new Set(clOrdIds).size).toBe(clOrdIds.length);
          // (a failed exit's retries are told under the fill they retry, with clOrdIds of their own; a
          // re-sync's corrections sit under its header, one per follower and contract)
          const sent = w
            .copies({ outcome: "sent" })
            .filter((c) => c.fillId !== 0 && !c.clOrdId?.startsWith("mk-rt-"));
          const once = (c: (typeof sent)[number]) =>
            `${c.fillId}|${c.follower}|${c.fillId < 0 ? c.contract : ""}`;
          expect(new Set(sent.map(once)).size).toBe(sent.length);
          // 3. leaders flat → undisturbed followers flat
          for (const leader of LEADERS) for (const c of CONTRACTS) expect(w.position(leader, c)).toBe(0);
          for (const f of FOLLOWERS) {
            if (disturbed.has(f)) continue;
            for (const [key, netPos] of w.broker.positions) {
              if (key.startsWith(`${w.id(f)}|`))
                expect({ follower: f, key, netPos }).toEqual({ follower: f, key, netPos: 0 });
            }
          }
          // 5. never an orphan: leaders flat → followers flat, unless misrouted or taken over by the trader
          const away = takenOver();
          for (const f of FOLLOWERS) {
            if (misrouted.has(f) || away.has(f)) continue;
            for (const [key, netPos] of w.broker.positions) {
              if (key.startsWith(`${w.id(f)}|`))
                expect({ orphan: f, key, netPos }).toEqual({ orphan: f, key, netPos: 0 });
            }
          }
          // The copier's view of every (reconnected) follower matches the broker's.
          for (const f of FOLLOWERS) {
            for (const [key, netPos] of w.broker.positions) {
              const [id, contract] = key.split("|");
              if (Number(id) === w.id(f)) expect(w.copier.followerPosition(f, contract!)).toBe(netPos);
            }
          }
        }),
        { numRuns: 1000 },
      );
    },
  );
});
