import { type JournalEntry, journalPathFor, readJournal } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import { resolveSecret, SecretError } from "../../data/secrets.js";
import {
  type ContractSpec,
  type HistoryFill,
  type HistoryPair,
  readAccountHistory,
} from "../../engine/index.js";
import { credentialsFor, endpointsFor } from "../process/sessions.js";
import type { BrokerFacts } from "./build.js";
import type { ReportRange } from "./range.js";

/**
 * What a report is built from, read from disk and the broker: the journal around the range, and
 * each login's fills through one short REST login. Everything that could not be read becomes a
 * note saying why and what to do, and the report goes on with what there is.
 */

/** Journal entries this long before the range still matter (a copy's leader fill just before 17:00). */
const JOURNAL_MARGIN_MS = 3_600_000;

export async function readJournalAround(configPath: string, range: ReportRange): Promise<JournalEntry[]> {
  return readJournalFile(journalPathFor(configPath), range, ["leaderFill", "copy", "followerState"]);
}

/** The entries of these types around the range, from a journal file (and its rotated ones). */
export async function readJournalFile(
  path: string,
  range: ReportRange,
  types: readonly string[],
): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  const until = range.end + JOURNAL_MARGIN_MS;
  for await (const entry of readJournal(path, { since: new Date(range.start - JOURNAL_MARGIN_MS), types }))
    if (Date.parse(entry.at) < until) entries.push(entry);
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
    fills: [] as HistoryFill[],
    pairs: [] as HistoryPair[],
    fees: {} as Record<number, number>,
    contracts: [] as ContractSpec[],
  };
  const notes: string[] = [];
  let feesKnown = true;
  for (const connection of config.connections) {
    const accounts = config.accounts.filter((a) => a.connection === connection.name && wanted.has(a.name));
    if (accounts.length === 0) continue;
    const failed = (why: string) => ({
      broker: undefined,
      notes: [`connection ${connection.name}: ${why}; P&L and slippage below are left out`],
    });
    if (connection.env === "sim" && !connection.url)
      return failed(
        "it uses the embedded simulator, which lives only inside a running mimik, so its fills cannot be read",
      );
    if (connection.broker === "projectx")
      return failed("it is a ProjectX login, and the report reads fills from Tradovate only so far");
    let password: string;
    let secret: string | undefined;
    try {
      password = await resolveSecret(connection.password, { env: options.env });
      secret = connection.secret ? await resolveSecret(connection.secret, { env: options.env }) : undefined;
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      return failed(`${error.message}${error.fix ? ` (${error.fix})` : ""}`);
    }
    try {
      const history = await readAccountHistory({
        restUrl: endpointsFor(connection).restUrl,
        credentials: credentialsFor(connection, secret === undefined ? { password } : { password, secret }),
        accounts: accounts.map((a) => a.name),
        fetchImpl: options.fetchImpl,
      });
      merged.fills.push(...history.fills);
      merged.pairs.push(...history.pairs);
      merged.contracts.push(...history.contracts);
      if (history.fees === undefined) feesKnown = false;
      else Object.assign(merged.fees, history.fees);
      if (history.missing.length > 0)
        notes.push(
          `connection ${connection.name}: the broker does not list ${history.missing.join(", ")} for this login`,
        );
    } catch (error) {
      return failed(
        `could not read the broker's fills (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return { broker: { ...merged, fees: feesKnown ? merged.fees : undefined }, notes };
}
