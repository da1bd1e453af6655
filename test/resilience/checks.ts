import type { FillRecord, SimRecords } from "../../engine/sim/index.js";
import type { CopyEvent } from "../../engine/types.js";
import { BALANCE, FOLLOWERS, LEADER } from "./fleet.js";
import { expectedHoldings } from "./model.js";

/** A stretch of fills (ids after `from`, up to `to`) during which `account` was liquidation-only. */
export interface LiquidationOnlyWindow {
  account: string;
  from: number;
  to: number | undefined;
}

/** The broker's own records and the engine's events, judged against design.md §4. Returns violations. */
export function judge(
  records: SimRecords,
  copies: readonly CopyEvent[],
  disturbed: ReadonlySet<string>,
  liquidationOnly: readonly LiquidationOnlyWindow[] = [],
  busted: readonly FillRecord[] = [],
): { violations: string[]; checkedExactly: string[]; orphanedExits: number } {
  const violations: string[] = [];
  const leaderFills = records.fills
    .filter((f) => f.accountName === LEADER)
    .sort((a, b) => a.fillId - b.fillId);
  const leaderFillIds = new Set(leaderFills.map((f) => f.fillId));

  // 1. Nothing ever sent for the leader: its only orders are the trader's own (manual) ones.
  for (const o of records.orders.filter((r) => r.accountName === LEADER)) {
    if (o.isAutomated || o.clOrdId !== undefined) {
      violations.push(`order on the leader: ${JSON.stringify(o)}`);
    }
  }

  // 2. Each leader fill copied at most once per follower (orders the broker took, by clOrdId). A
  // re-sync's corrections (mk-rc-) and a failed exit's retries (mk-rt-) name no fill. (That an exit
  // never sells more than held is the engine's word when it sends, checked by the copier's tests: at
  // the broker a penalty can delay an order past later copies that already counted it.)
  const taken = new Map<string, number>();
  for (const o of records.orders) {
    if (!o.isAutomated || o.orderId === null || o.accountName === LEADER) continue;
    if (/^mk-r[ct]-/.test(o.clOrdId ?? "")) continue;
    const match = /^mk-(\d+)-(\d+)$/.exec(o.clOrdId ?? "");
    if (!match) {
      violations.push(`automated order without a copy clOrdId: ${JSON.stringify(o)}`);
      continue;
    }
    const fillId = Number(match[1]);
    if (!leaderFillIds.has(fillId)) violations.push(`copy of fill ${fillId}, which is not a leader fill`);
    const key = `${fillId}→${o.accountName}`;
    taken.set(key, (taken.get(key) ?? 0) + 1);
  }
  for (const [key, n] of taken) if (n > 1) violations.push(`leader fill copied ${n} times: ${key}`);

  // The engine's own view: one "sent" per leader fill and follower, across restarts (retries aside).
  const sent = new Map<string, number>();
  for (const c of copies) {
    if (c.outcome !== "sent" || c.fillId < 0 || c.clOrdId?.startsWith("mk-rt-")) continue;
    const key = `${c.fillId}→${c.follower}`;
    sent.set(key, (sent.get(key) ?? 0) + 1);
  }
  for (const [key, n] of sent) if (n > 1) violations.push(`engine sent ${n} copies of ${key}`);

  // 3. Every skip and reject has a reason.
  for (const c of copies) {
    if ((c.outcome === "skipped" || c.outcome === "rejected") && c.reason.trim() === "") {
      violations.push(`${c.outcome} copy without a reason: ${JSON.stringify(c)}`);
    }
  }

  // 4. Followers that saw every leader fill hold exactly what the rules say.
  const checkedExactly: string[] = [];
  const contracts = new Set(leaderFills.map((f) => f.symbol));
  for (const f of FOLLOWERS) {
    if (disturbed.has(f.account)) continue;
    checkedExactly.push(f.account);
    const expected = expectedHoldings(leaderFills, f.sizing, f.maxContracts);
    for (const contract of contracts) {
      const has =
        records.positions.find((p) => p.accountName === f.account && p.contract === contract)?.netPos ?? 0;
      const wants = expected.get(contract) ?? 0;
      if (has !== wants) violations.push(`${f.account} holds ${has} ${contract}, the rules say ${wants}`);
    }
  }
  // 5. No orphans: at rest no copy order is left working at the broker.
  for (const o of records.workingOrders)
    if (o.isAutomated) violations.push(`copy order left working: ${JSON.stringify(o)}`);

  // 6. A liquidation-only follower only ever reduced while it was one.
  for (const w of liquidationOnly) {
    const pos = new Map<string, number>();
    for (const f of records.fills) {
      if (f.accountName !== w.account || !f.active) continue;
      const before = pos.get(f.symbol) ?? 0;
      const after = before + (f.action === "Buy" ? f.qty : -f.qty);
      pos.set(f.symbol, after);
      const inside = f.fillId > w.from && (w.to === undefined || f.fillId <= w.to);
      if (inside && (Math.abs(after) > Math.abs(before) || after * before < 0))
        violations.push(`${w.account} went from ${before} to ${after} ${f.symbol} while liquidation-only`);
    }
  }

  // 7. Cash is the balance plus realized P&L less the fees of the fills that stand.
  for (const b of records.cashBalances) {
    const fees = records.fills
      .filter((f) => f.accountName === b.accountName && f.active)
      .reduce((sum, f) => sum + f.fee, 0);
    if (Math.abs(fees - b.fees) > 0.005)
      violations.push(`${b.accountName}: fees ${b.fees}, its fills say ${fees}`);
    if (Math.abs(BALANCE + b.realizedPnL - b.fees - b.amount) > 0.005)
      violations.push(`${b.accountName}: cash ${b.amount} ≠ ${BALANCE} + ${b.realizedPnL} − fees ${b.fees}`);
  }
  // 8. Never an orphan (issue 18): at rest, no follower holds anything in a contract its leader is
  // flat in, whatever it went through (unless a bust took the leader's fill back: nothing is sent
  // for a bust by itself).
  let orphanedExits = 0;
  const bustedSymbols = new Set(busted.map((f) => f.symbol));
  for (const p of records.positions) {
    if (p.accountName === LEADER || p.netPos === 0 || bustedSymbols.has(p.contract)) continue;
    const leader =
      records.positions.find((l) => l.accountName === LEADER && l.contract === p.contract)?.netPos ?? 0;
    if (leader !== 0) continue;
    orphanedExits += 1;
    violations.push(`orphaned exit: ${p.accountName} holds ${p.netPos} ${p.contract}, its leader is flat`);
  }
  return { violations, checkedExactly, orphanedExits };
}
