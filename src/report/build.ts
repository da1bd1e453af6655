import type { JournalEntry } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import type { BustedFill, ContractSpec, HistoryFill, HistoryPair } from "../../engine/index.js";
import {
  bustFact,
  type CopyFact,
  type CopyStats,
  copiedFrom,
  copyFact,
  copyStats,
  type DayPnlFact,
  dayPnlFact,
  type LeaderFillFact,
  LockCounter,
  leaderFillFact,
} from "./journalFacts.js";
import { inRange, type ReportRange } from "./range.js";
import { type Slip, type SlippageStats, slipOf, slippageStats } from "./slippage.js";
import { cents } from "./stats.js";
import { fifoPairs, type TradeFill, type TradeStats, tradeStats } from "./trades.js";

/**
 * The report, built from plain data: the journal's entries (copies, skips, rejects, latencies,
 * leader fills and their prices) and, when the broker could be read, its fills, pairs, fees and
 * contract specs. Pure: the same input always gives the same report.
 */

export interface BrokerFacts {
  /** The accounts whose fills were read: any other's P&L is unknown, not 0. */
  accounts: readonly string[];
  /** Every fill the broker has for the configured accounts (any time: positions carry across days). */
  fills: readonly HistoryFill[];
  pairs: readonly HistoryPair[];
  /**
   * Dollars per account, per fill id (fill ids are each broker's own: two logins may share one).
   * An account read that is not here: its broker reports no fees (the simulator's Tradovate).
   */
  fees: Readonly<Record<string, Readonly<Record<number, number>>>>;
  /** The broker's own gross P&L per account, per closing fill id, where it gives one (ProjectX). */
  realized?: Readonly<Record<string, Readonly<Record<number, number>>>> | undefined;
  /** Per account, the fills the broker took back (busted, voided): a journal that saw them counts them no more. */
  busted?: Readonly<Record<string, readonly BustedFill[]>> | undefined;
  contracts: readonly ContractSpec[];
}

export interface ReportInput {
  range: ReportRange;
  config: Config;
  /**
   * Journal entries of the range, in journal order (a little before it too: a copy's leader fill
   * may precede it; and each follower's states before it, which tell a held lock from a new one).
   */
  journal: readonly JournalEntry[];
  /** undefined: the broker was not read (the notes say why). */
  broker: BrokerFacts | undefined;
  notes?: readonly string[];
  /** Only this group, or only this follower (account name or label). */
  only?: { group?: string | undefined; follower?: string | undefined };
}

export interface AccountRef {
  account: string;
  label?: string | undefined;
  /** A shadow follower (issue 16): its copies are what it would have sent; the broker has none. */
  shadow?: true | undefined;
}

export interface FollowerReport extends AccountRef {
  copy: CopyStats;
  /**
   * The day's P&L as mimik's risk sampled it from the journal (net liquidation against the start
   * of the day, open P&L included), oldest first; only for a one-day report. What the console's
   * report view draws while the broker is not read.
   */
  dayPnl?: number[] | undefined;
  /** From the broker's fills; undefined when the broker was not read. */
  trading: TradeStats | undefined;
  slippage: SlippageStats | undefined;
}

export interface GroupReport {
  name: string;
  leader: AccountRef & { leaderFills: number; trading: TradeStats | undefined };
  followers: FollowerReport[];
  total: { copy: CopyStats; trading: TradeStats | undefined; slippage: SlippageStats | undefined };
}

export interface Report {
  from: string;
  to: string;
  /** ISO times of the range: [start, end). */
  start: string;
  end: string;
  /** Where P&L and slippage come from. */
  source: "broker" | "journal";
  /** Whether the broker reports fees for every account read (real Tradovate does; the simulator does not). */
  feesReported: boolean;
  /** The accounts reported whose broker reports no fees: their fees (and their totals') are unknown. */
  feesUnreported: string[];
  notes: string[];
  groups: GroupReport[];
}

const upper = (s: string) => s.toUpperCase();

export function buildReport(input: ReportInput): Report {
  const { range, config, broker } = input;
  const within = (at: number) => inRange(range, at);
  const leaderFills: LeaderFillFact[] = [];
  const copies: CopyFact[] = [];
  const lockCounter = new LockCounter(within);
  const samples = new Map<string, number[]>();
  const oneDay = range.from === range.to;
  // Per account, the fills mimik saw the broker bust: the journal alone says so, without the broker.
  const journalBusts = new Map<string, number[]>();
  for (const entry of input.journal) {
    const bust = bustFact(entry);
    if (bust) {
      const list = journalBusts.get(bust.account) ?? [];
      list.push(bust.fillId);
      journalBusts.set(bust.account, list);
    }
    const sample: DayPnlFact | undefined = oneDay ? dayPnlFact(entry) : undefined;
    if (sample && within(sample.at)) {
      const list = samples.get(sample.follower) ?? [];
      list.push(sample.dayPnl);
      samples.set(sample.follower, list);
    }
    const fill = leaderFillFact(entry);
    if (fill) leaderFills.push(fill);
    const copy = copyFact(entry);
    if (copy) copies.push(copy);
    lockCounter.add(entry);
  }
  const locks = lockCounter.locks;
  // A copy's answer (accepted, filled, rejected) belongs to the day its order was sent: one sent at
  // 16:59:59.99 CT and filled after the roll is that day's copy, filled, not a fill of the next.
  const sentAt = new Map<string, number>();
  for (const c of copies)
    if ((c.outcome === "sent" || c.outcome === "shadow") && c.clOrdId !== undefined && !sentAt.has(c.clOrdId))
      sentAt.set(c.clOrdId, c.at);
  const copyDay = (c: CopyFact) =>
    within((c.clOrdId === undefined ? undefined : sentAt.get(c.clOrdId)) ?? c.at);
  const specs = new Map((broker?.contracts ?? []).map((c) => [upper(c.name), c]));
  const pointValue = (contract: string) => finite(specs.get(upper(contract))?.pointValue);
  const labels = new Map(config.accounts.map((a) => [a.name, a.label]));
  const read = new Set(broker?.accounts ?? []);
  const feesUnknown = new Set<string>();
  const tradingOf = (account: string) => {
    const fees = broker!.fees[account];
    if (!fees) feesUnknown.add(account);
    return tradeStats({
      fills: broker!.fills.filter((f) => f.account === account),
      pairs: broker!.pairs.filter((p) => p.account === account),
      pointValue,
      fees,
      realized: broker!.realized?.[account],
      inRange: within,
    });
  };
  const shadows = new Set(
    config.groups.flatMap((g) => g.followers.filter((f) => f.shadow).map((f) => f.account)),
  );
  const ref = (account: string): AccountRef => ({
    account,
    label: labels.get(account),
    ...(shadows.has(account) ? { shadow: true as const } : {}),
  });

  const groups = groupsOf(config, leaderFills, copies).filter((g) => wanted(input, g.name, undefined));
  const notes = [...(input.notes ?? [])];
  const report: Report = {
    from: range.from,
    to: range.to,
    start: new Date(range.start).toISOString(),
    end: new Date(range.end).toISOString(),
    source: broker ? "broker" : "journal",
    feesReported: false,
    feesUnreported: [],
    notes,
    groups: [],
  };
  for (const group of groups) {
    const groupFills = leaderFills.filter((f) => f.group === group.name);
    const busted = new Set([
      ...(broker?.busted?.[group.leader] ?? []).map((b) => b.id),
      ...(journalBusts.get(group.leader) ?? []),
    ]);
    const leaderPrice = new Map(groupFills.map((f) => [f.fillId, f.price]));
    // The broker's own record of the leader's fills wins over what the journal wrote down.
    for (const f of broker?.fills ?? []) if (f.account === group.leader) leaderPrice.set(f.id, f.price);
    const followers: FollowerReport[] = [];
    const allSlips: Slip[] = [];
    for (const account of group.followers) {
      if (!wanted(input, group.name, account)) continue;
      const mine = copies.filter(
        (c) => c.group === group.name && c.follower === account && stoodBy(broker, read, c),
      );
      const copy = copyStats(mine.filter(copyDay), locks.get(account) ?? 0);
      // A shadow's account is never traded by mimik: what it did at the broker is not its copying.
      if (!broker || !read.has(account) || shadows.has(account)) {
        const dayPnl = samples.get(account);
        followers.push({ ...ref(account), copy, trading: undefined, slippage: undefined, dayPnl });
        continue;
      }
      const fills = broker.fills.filter((f) => f.account === account);
      const trading = tradingOf(account);
      const links = copiedFrom(mine);
      const slips: Slip[] = [];
      for (const fill of fills) {
        if (!within(fill.at)) continue;
        const leaderFill = links.get(fill.orderId);
        // A copy of a fill the broker took back has no leader price left to be measured against.
        const price =
          leaderFill === undefined || busted.has(leaderFill) ? undefined : leaderPrice.get(leaderFill);
        const spec = specs.get(upper(fill.contract));
        if (price === undefined || !spec || !finite(spec.tickSize) || !finite(spec.pointValue)) continue;
        slips.push(
          slipOf({
            ...fill,
            fillId: fill.id,
            leaderPrice: price,
            tickSize: spec.tickSize,
            pointValue: spec.pointValue,
          }),
        );
      }
      allSlips.push(...slips);
      followers.push({ ...ref(account), copy, trading, slippage: slippageStats(slips) });
    }
    if (followers.length === 0 && input.only?.follower !== undefined) continue;
    const leaderTrading =
      broker && read.has(group.leader)
        ? tradingOf(group.leader)
        : journalTrading(
            groupFills.filter((f) => !busted.has(f.fillId)),
            within,
          );
    report.groups.push({
      name: group.name,
      leader: {
        ...ref(group.leader),
        // The journal wrote each fill as it came; a fill the broker busted since is no fill of the day.
        leaderFills: groupFills.filter((f) => within(f.at) && !busted.has(f.fillId)).length,
        trading: leaderTrading,
      },
      followers,
      total: {
        copy: copyStats(
          copies.filter(
            (c) =>
              c.group === group.name &&
              followers.some((f) => f.account === c.follower) &&
              copyDay(c) &&
              stoodBy(broker, read, c),
          ),
          followers.reduce((n, f) => n + f.copy.locks, 0),
        ),
        trading: broker ? sumTrading(followers.filter((f) => !f.shadow).map((f) => f.trading)) : undefined,
        slippage: broker ? slippageStats(allSlips) : undefined,
      },
    });
  }
  // In the config's order (accounts it no longer has last), as a trader reads their list.
  const rank = (account: string) => {
    const i = config.accounts.findIndex((a) => a.name === account);
    return i < 0 ? config.accounts.length : i;
  };
  report.feesUnreported = [...feesUnknown].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  report.feesReported = broker !== undefined && feesUnknown.size === 0;
  if (input.only?.follower !== undefined && report.groups.length === 0)
    notes.push(`no follower named "${input.only.follower}" in the config or the journal`);
  return report;
}

/**
 * The leader's trades as the journal saw its fills (the broker unread): counted by the same FIFO
 * rule, with no dollars, because the point values come from the broker.
 */
function journalTrading(fills: readonly LeaderFillFact[], within: (at: number) => boolean): TradeStats {
  const trade: TradeFill[] = fills.map((f) => ({ ...f, id: f.fillId }));
  return tradeStats({
    fills: trade,
    pairs: fifoPairs(trade),
    pointValue: () => undefined,
    fees: undefined,
    inRange: within,
  });
}

/** The live followers' total; unknown when one's trading is (its fills were not read), or none is live. */
function sumTrading(all: readonly (TradeStats | undefined)[]): TradeStats | undefined {
  if (all.length === 0 || all.some((t) => t === undefined)) return undefined;
  const parts = all as readonly TradeStats[];
  const add = (pick: (t: TradeStats) => number | undefined) =>
    parts.some((t) => pick(t) === undefined)
      ? undefined
      : cents(parts.reduce((n, t) => n + (pick(t) ?? 0), 0));
  return {
    fills: parts.reduce((n, t) => n + t.fills, 0),
    trades: parts.reduce((n, t) => n + t.trades, 0),
    wins: parts.reduce((n, t) => n + t.wins, 0),
    losses: parts.reduce((n, t) => n + t.losses, 0),
    grossPnl: add((t) => t.grossPnl),
    fees: add((t) => t.fees),
    netPnl: add((t) => t.netPnl),
    curve: [],
  };
}

interface GroupShape {
  name: string;
  leader: string;
  followers: string[];
}

/**
 * The groups to report: the config's, plus any the journal knows that the config no longer has (a
 * follower removed since still shows its day), each with its followers in config order first.
 */
function groupsOf(
  config: Config,
  fills: readonly LeaderFillFact[],
  copies: readonly CopyFact[],
): GroupShape[] {
  const groups: GroupShape[] = config.groups.map((g) => ({
    name: g.name,
    leader: g.leader,
    followers: g.followers.map((f) => f.account),
  }));
  const named = (name: string) => {
    let g = groups.find((x) => x.name === name);
    if (!g) {
      g = { name, leader: fills.find((f) => f.group === name)?.leader ?? "?", followers: [] };
      groups.push(g);
    }
    return g;
  };
  for (const f of fills) named(f.group);
  for (const c of copies) {
    const g = named(c.group);
    if (!g.followers.includes(c.follower)) g.followers.push(c.follower);
  }
  return groups;
}

function wanted(input: ReportInput, group: string, follower: string | undefined): boolean {
  const only = input.only;
  if (only?.group !== undefined && upper(only.group) !== upper(group)) return false;
  if (follower === undefined || only?.follower === undefined) return true;
  const key = upper(only.follower);
  const label = input.config.accounts.find((a) => a.name === follower)?.label;
  return upper(follower) === key || (label !== undefined && upper(label) === key);
}

function finite(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/**
 * Whether the broker stands by a copy the journal wrote down as filled: one whose every fill it
 * busted since did not fill after all (a fill left, a partial bust, still counts). Only an account
 * the broker was read for can say.
 */
function stoodBy(broker: BrokerFacts | undefined, read: ReadonlySet<string>, c: CopyFact): boolean {
  if (c.outcome !== "filled" || c.orderId === undefined || !broker || !read.has(c.follower)) return true;
  const orderId = c.orderId;
  if (!(broker.busted?.[c.follower] ?? []).some((b) => b.orderId === orderId)) return true;
  return broker.fills.some((f) => f.account === c.follower && f.orderId === orderId);
}
