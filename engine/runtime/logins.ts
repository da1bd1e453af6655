import type { Config } from "../../data/schema.js";
import type { RequestLedger, SpentRequests } from "../budget.js";
import { messageOf } from "../messageOf.js";
import type { BrokerEvent, BrokerSession, EngineEvent, RateLimits } from "../types.js";

const HOUR_MS = 3_600_000;

import { leftOpenBy } from "./droppedLogin.js";
import { brokerUser, changedLive, changedSettings } from "./loginSettings.js";

export interface LoginsDeps {
  /** Each broker event of a session, for as long as the engine keeps it. */
  onEvent(session: BrokerSession, event: BrokerEvent): void;
  emit(event: EngineEvent): void;
  now(): number;
}

/**
 * The engine's broker sessions, one per login: those it started with, those added while it runs
 * (a login added to the config) and none the config no longer names. A session added after the
 * start is listened to and started at once; one dropped is no longer listened to, then stopped.
 * A login whose connection settings change is dropped the same way, to be added back with them
 * (by whoever reads its secrets), as a removed-then-added login would be; one whose request budget
 * alone changes keeps its sockets and takes the new budget in place. A session added later as the
 * same user at the same broker (a login edited, or taken out and put back, under any name) takes
 * over the requests the dropped one spent: the broker counts them by its user, not by our
 * session, so a fresh count would send past its limit.
 */
export class Logins {
  private readonly sessions: BrokerSession[];
  private readonly listening = new Map<BrokerSession, () => void>();
  /** What dropped sessions spent (read when a session takes over), by who they were at the broker. */
  private readonly spentBy = new Map<string, RequestLedger[]>();
  /** Who each login of the latest config is at its broker. */
  private users = new Map<string, string>();
  private started = false;
  private stopped = false;

  constructor(
    sessions: readonly BrokerSession[],
    private readonly deps: LoginsDeps,
  ) {
    this.sessions = [...sessions];
  }

  all(): readonly BrokerSession[] {
    return this.sessions;
  }

  /** Listens to and starts every session; resolves once each has connected or failed once. */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.sessions.map((s) => this.open(s)));
  }

  /** A login added while the engine runs; a second session for one login is refused. */
  add(session: BrokerSession): Promise<void> {
    // Its secrets may come after the stop: started then, nothing would ever stop it.
    if (this.stopped) return Promise.reject(new Error(`connection ${session.connection}: mimik has stopped`));
    if (this.sessions.some((s) => s.connection === session.connection))
      return Promise.reject(new Error(`connection ${session.connection} is open already`));
    const user = this.users.get(session.connection) ?? "";
    for (const ledger of this.spentBy.get(user) ?? []) session.limiter?.carry(ledger.spent());
    this.spentBy.delete(user);
    this.sessions.push(session);
    return this.started ? this.open(session) : Promise.resolve();
  }

  /**
   * Disconnects each login `next` no longer names (its accounts went with it, so nothing uses
   * it), first saying what its accounts, as `before` had them, leave open; and each whose
   * connection settings `next` changed (a username, an environment, a secret's source), saying
   * so, for it to be added back with the new ones. A budget edit alone is applied to the session.
   */
  drop(before: Config, next: Config): void {
    this.users = new Map(next.connections.map((c) => [c.name, brokerUser(c)]));
    for (const session of [...this.sessions]) {
      const now = next.connections.find((c) => c.name === session.connection);
      const was = before.connections.find((c) => c.name === session.connection);
      if (!now || (was && changedSettings(was, now).length > 0)) this.keepSpent(session, was);
      if (!now) this.takeOut(session, before, next);
      else if (was) {
        const changed = changedSettings(was, now);
        if (changed.length > 0) this.reconnecting(session, now.broker ?? "tradovate", changed);
        else if (changedLive(was, now).length > 0 && now.broker !== "projectx")
          this.newBudget(session, now.requestBudget ?? {});
      }
    }
    this.forgetSpentLongAgo();
  }

  /** No more events from any session (a deliberate stop is not a lost connection). */
  unlistenAll(): void {
    for (const session of [...this.listening.keys()]) this.unlisten(session);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unlistenAll();
    await Promise.all(this.sessions.map((s) => s.stop().catch(() => undefined)));
  }

  private open(session: BrokerSession): Promise<void> {
    this.listening.set(
      session,
      session.on((event) => this.deps.onEvent(session, event)),
    );
    // A login that cannot connect must not hold the others back; its state says why.
    return session.start().catch((error: unknown) => {
      const message = `connection ${session.connection} failed to start: ${messageOf(error)}`;
      this.deps.emit({ type: "alert", at: this.deps.now(), level: "error", message });
    });
  }

  private takeOut(session: BrokerSession, before: Config, next: Config): void {
    const left = leftOpenBy(session, before, next);
    const at = this.forget(session);
    for (const message of left) this.deps.emit({ type: "alert", at, level: "warn", message });
    const { connection, broker } = session;
    const reason = "taken out of the config";
    this.deps.emit({
      type: "connectionStatus",
      at,
      connection,
      broker,
      state: "down",
      reason,
      takenOut: true,
    });
  }

  /** Its accounts stay in the config: they are only disconnected until the new session syncs. */
  private reconnecting(session: BrokerSession, broker: BrokerSession["broker"], changed: string[]): void {
    const at = this.forget(session);
    const { connection } = session;
    const what = `its ${changed.join(", ")} changed`;
    const reason = `${what}: reconnecting with the new settings`;
    this.deps.emit({ type: "connectionStatus", at, connection, broker, state: "reconnecting", reason });
    const message = `connection ${connection}: ${what} while mimik runs; it reconnects with the new settings, and its accounts are disconnected (their copies skip) until it is back`;
    this.deps.emit({ type: "alert", at, level: "warn", message });
  }

  private newBudget(session: BrokerSession, budget: RateLimits): void {
    const limits = session.setRequestBudget?.(budget);
    if (!limits) return;
    const message = `connection ${session.connection}: its request budget is now ${limits.perSecond}/s, ${limits.perMinute}/min, ${limits.perHour}/h, applied at once; it stays connected`;
    this.deps.emit({ type: "alert", at: this.deps.now(), level: "info", message });
  }

  /** A dropped session's count, for a session of its user that comes later. */
  private keepSpent(session: BrokerSession, was: Config["connections"][number] | undefined): void {
    if (!session.limiter || !was) return;
    const user = brokerUser(was);
    this.spentBy.set(user, [...(this.spentBy.get(user) ?? []), session.limiter]);
  }

  /** A count whose requests have all left the broker's hour and whose waits are over weighs nothing. */
  private forgetSpentLongAgo(): void {
    const now = this.deps.now();
    const weighs = (spent: SpentRequests) =>
      (spent.sent.at(-1) ?? Number.NEGATIVE_INFINITY) > now - HOUR_MS ||
      (spent.lockoutUntil ?? 0) > now ||
      (spent.penaltyUntil ?? 0) > now;
    for (const [user, ledgers] of this.spentBy) {
      const kept = ledgers.filter((ledger) => weighs(ledger.spent()));
      if (kept.length === 0) this.spentBy.delete(user);
      else this.spentBy.set(user, kept);
    }
  }

  /** No longer one of the engine's, nor listened to; stopped. */
  private forget(session: BrokerSession): number {
    this.sessions.splice(this.sessions.indexOf(session), 1);
    this.unlisten(session);
    void session.stop().catch(() => undefined);
    return this.deps.now();
  }

  private unlisten(session: BrokerSession): void {
    this.listening.get(session)?.();
    this.listening.delete(session);
  }
}
