import type { Config } from "../../data/schema.js";
import { messageOf } from "../messageOf.js";
import type { BrokerEvent, BrokerSession, EngineEvent, RateLimits } from "../types.js";
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
 * alone changes keeps its sockets and takes the new budget in place. The session added back for a
 * changed login, as the same user at the same broker, takes over the requests the dropped one
 * spent: the broker still counts them, so a fresh count would send past its limit.
 */
export class Logins {
  private readonly sessions: BrokerSession[];
  private readonly listening = new Map<BrokerSession, () => void>();
  /** Sessions dropped for new settings, by connection, with who they were at the broker. */
  private readonly replaced = new Map<string, { session: BrokerSession; user: string }>();
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
    const replaced = this.replaced.get(session.connection);
    this.replaced.delete(session.connection);
    if (replaced?.session.limiter) session.limiter?.carry(replaced.session.limiter.spent());
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
    for (const session of [...this.sessions]) {
      const now = next.connections.find((c) => c.name === session.connection);
      const was = before.connections.find((c) => c.name === session.connection);
      if (!now) this.takeOut(session, before, next);
      else if (was) {
        const changed = changedSettings(was, now);
        if (changed.length > 0) {
          this.reconnecting(session, now.broker ?? "tradovate", changed);
          this.replaced.set(session.connection, { session, user: brokerUser(was) });
        } else if (changedLive(was, now).length > 0 && now.broker !== "projectx")
          this.newBudget(session, now.requestBudget ?? {});
      }
    }
    // A login gone from the config, or now another user, owes nothing to what was spent before.
    for (const [name, { user }] of this.replaced) {
      const now = next.connections.find((c) => c.name === name);
      if (!now || brokerUser(now) !== user) this.replaced.delete(name);
    }
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
    this.deps.emit({ type: "connectionStatus", at, connection, broker, state: "down", reason });
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
