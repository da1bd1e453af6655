import { type JournalEntry, journalPathFor, readJournal } from "../../data/journal/index.js";
import { type Config, secretSourcesOf } from "../../data/schema.js";
import { resolveSecret, SecretError } from "../../data/secrets.js";
import {
  type AccountHistory,
  type BustedFill,
  type CarriedPosition,
  type ContractSpec,
  type EpochMs,
  type HistoryFill,
  type HistoryPair,
  readAccountHistory,
  readProjectXHistory,
} from "../../engine/index.js";
import { credentialsFor, endpointsFor, projectxEndpointsFor } from "../process/sessions.js";
import type { BrokerFacts } from "./build.js";
import { REPORT_KINDS } from "./journalFacts.js";
import type { ReportRange } from "./range.js";
import { fifoPairs } from "./trades.js";

/**
 * What a report is built from, read from disk and the broker: the journal around the range, and
 * each login's fills through one short REST login. Everything that could not be read becomes a
 * note saying why and what to do, and the report goes on with what there is.
 */

/** Journal entries this long before the range still matter (a copy's leader fill just before 17:00). */
const JOURNAL_MARGIN_MS = 3_600_000;

/** Broker fills this long before the range are read too: a trade opened then and closed in it is priced right. */
export const BROKER_LOOKBACK_MS = 24 * 3_600_000;

export async function readJournalAround(configPath: string, range: ReportRange): Promise<JournalEntry[]> {
  return readJournalFile(journalPathFor(configPath), range, REPORT_KINDS);
}

/** The entries of these types around the range, from a journal file (and its rotated ones). */
export async function readJournalFile(
  path: string,
  range: ReportRange,
  types: readonly string[],
): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  const [from, until] = [range.start - JOURNAL_MARGIN_MS, range.end + JOURNAL_MARGIN_MS];
  for await (const entry of readJournal(path, { types })) {
    const at = Date.parse(entry.at);
    // A bust comes after the fill, maybe long after: whenever it was written, it takes the fill back.
    // A follower's state before the range says whether a LOCKED in it is a new lock or one held over.
    if ((at >= from && at < until) || entry.type === "bust" || (at < from && entry.type === "followerState"))
      entries.push(entry);
  }
  return entries;
}

export type BrokerChoice =
  /** Read it unless a mimik runs for this config (its session could be ended by one more login). */
  | "auto"
  /** Never: journal only. */
  | "never"
  /** Even while a mimik runs. */
  | "always";

export interface BrokerReadOptions {
  config: Config;
  /** Only these accounts' fills are read (the reported groups' leaders and followers). */
  accounts: readonly string[];
  env: NodeJS.ProcessEnv;
  choice: BrokerChoice;
  instanceRunning: boolean;
  /** Fills from this time on (ProjectX's trade search is by time; Tradovate's lists the day's). */
  since: EpochMs;
  fetchImpl?: typeof fetch;
}

export interface BrokerRead {
  broker: BrokerFacts | undefined;
  notes: string[];
}

export async function readBroker(options: BrokerReadOptions): Promise<BrokerRead> {
  const { config } = options;
  if (options.choice === "never")
    return { broker: undefined, notes: ["the broker was not read (--offline)"] };
  if (options.instanceRunning && options.choice === "auto")
    return {
      broker: undefined,
      notes: [
        "mimik is running for this config, so the broker's fills were not read: one more login could end one of its Tradovate sessions (Tradovate keeps two per user, the oldest goes); stop it first, or pass --broker to read them anyway",
      ],
    };
  const wanted = new Set(options.accounts);
  const merged = {
    accounts: [] as string[],
    fills: [] as HistoryFill[],
    pairs: [] as HistoryPair[],
    fees: {} as Record<string, Record<number, number>>,
    realized: {} as Record<string, Record<number, number>>,
    busted: {} as Record<string, BustedFill[]>,
    contracts: [] as ContractSpec[],
  };
  const notes: string[] = [];
  let [read, failed] = [false, false];
  const merge = (history: AccountHistory, pairs: readonly HistoryPair[], asked: readonly string[]) => {
    read = true;
    merged.accounts.push(...asked.filter((a) => !history.missing.includes(a)));
    merged.fills.push(...history.fills);
    merged.pairs.push(...pairs);
    merged.contracts.push(...history.contracts);
    // Per connection: one broker that reports no fees (the simulator) says nothing of another's.
    if (history.fees) for (const account of asked) merged.fees[account] = {};
    // By account: fill ids are each broker's own, and one login's may be another's too.
    for (const fill of history.fills) {
      put(merged.fees, fill.account, fill.id, history.fees?.[fill.id]);
      put(merged.realized, fill.account, fill.id, history.realized?.[fill.id]);
    }
    for (const bust of history.busted ?? []) {
      merged.busted[bust.account] ??= [];
      merged.busted[bust.account]!.push(bust);
    }
    if (history.missing.length > 0)
      notes.push(`the broker does not list ${history.missing.join(", ")} for the login that names it`);
  };
  for (const connection of config.connections) {
    const accounts = config.accounts.filter((a) => a.connection === connection.name && wanted.has(a.name));
    if (accounts.length === 0) continue;
    const names = accounts.map((a) => a.name);
    // One login that cannot be read leaves only its own accounts unknown (—), never the others'.
    const unread = (why: string) => {
      failed = true;
      notes.push(
        `connection ${connection.name} (login ${connection.username}): ${why}; P&L and slippage of ${names.join(", ")} are left out`,
      );
    };
    if (connection.env === "sim" && !connection.url) {
      unread(
        "it uses the embedded simulator, which lives only inside a running mimik, so its fills cannot be read",
      );
      continue;
    }
    const secrets: Record<string, string> = {};
    try {
      for (const [field, source] of secretSourcesOf(connection))
        secrets[field] = await resolveSecret(source, { env: options.env });
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      unread(`${error.message}${error.fix ? ` (${error.fix})` : ""}`);
      continue;
    }
    try {
      if (connection.broker === "projectx") {
        const history = await readProjectXHistory({
          apiUrl: projectxEndpointsFor(connection).apiUrl,
          userName: connection.username,
          apiKey: secrets.apiKey!,
          accounts: names,
          since: options.since,
          symbols: connection.symbols,
          fetchImpl: options.fetchImpl,
        });
        merge(history, fifoPairsByAccount(history.fills, history.carried ?? []), names);
        notes.push(
          `connection ${connection.name}: P&L is ProjectX's own, from its closing trades; a position opened before ${new Date(options.since).toISOString()} counts from what was held then`,
        );
      } else {
        const history = await readAccountHistory({
          restUrl: endpointsFor(connection).restUrl,
          credentials: credentialsFor(connection, secrets),
          accounts: names,
          fetchImpl: options.fetchImpl,
        });
        merge(history, history.pairs, names);
      }
    } catch (error) {
      unread(`could not read the broker's fills (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  // Not one login read: the report is the journal's, and says so in its header.
  return { broker: failed && !read ? undefined : merged, notes };
}

/** One account's dollars for one fill, where the broker gave a number. */
function put(
  table: Record<string, Record<number, number>>,
  account: string,
  fillId: number,
  dollars: number | undefined,
): void {
  if (dollars === undefined) return;
  table[account] ??= {};
  table[account][fillId] = dollars;
}

/**
 * ProjectX gives no fill pairs: each account's fills paired by the FIFO rule, as Tradovate pairs
 * them, after the position it held before them (so a close of it is not read as a new position).
 * The pairs make the round trips; the dollars are ProjectX's own (`realized`).
 */
function fifoPairsByAccount(
  fills: readonly HistoryFill[],
  carried: readonly CarriedPosition[],
): HistoryPair[] {
  const accounts = new Set(fills.map((f) => f.account));
  return [...accounts].flatMap((account) => {
    const mine = fills.filter((f) => f.account === account);
    const before = new Map(carried.filter((c) => c.account === account).map((c) => [c.contract, c.qty]));
    const contractOf = new Map(mine.map((f) => [f.id, f.contract]));
    return fifoPairs(mine, before).map((p) => ({
      ...p,
      account,
      contract: (contractOf.get(p.buyFillId) ?? contractOf.get(p.sellFillId))!,
    }));
  });
}
