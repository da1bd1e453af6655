import { type Notifications, type NotificationTarget, wantsKind } from "../../data/notifications.js";
import {
  type AlertEvent,
  type Clock,
  type EngineEvent,
  type FollowerState,
  systemClock,
} from "../../engine/index.js";
import { coalesce } from "./causes.js";
import { Collapser } from "./collapse.js";
import { Delivery, type DeliveryPolicy, type StreakChange } from "./delivery.js";
import { closeOnlyGate, type Notice, noticeFor, RULES, type RuleMemory, ruleMemory } from "./rules.js";
import type { ResolvedTargets } from "./secrets.js";
import { postOnce } from "./send.js";
import { requestFor } from "./targets.js";

export interface NotifierOptions {
  notifications: Notifications;
  secrets: ResolvedTargets;
  /** The notifier's own trouble (a target failing, a target without its secret), as an engine alert. */
  alert: (event: AlertEvent) => void;
  /** Follower states as the state file had them at start: a lock that was already there is not news. */
  knownStates?: Record<string, FollowerState> | undefined;
  clock?: Clock | undefined;
  fetchImpl?: typeof fetch | undefined;
  /** Cuts known secret values out of text a service sent back (its error replies). */
  scrub?: ((text: string) => string) | undefined;
  policy?: Partial<DeliveryPolicy> | undefined;
  /** How long one POST may take. Default 10 s. */
  timeoutMs?: number | undefined;
  /** Runs the inbox after the current work; setImmediate by default. */
  schedule?: ((run: () => void) => void) | undefined;
}

/** Events waiting to be looked at; a burst beyond this is not worth a phone's attention one by one. */
const MAX_INBOX = 1000;

/**
 * A follower's or a connection's change of state is never dropped with a burst: it may be the lock
 * the trader must hear of, and the rules remember states, so a lost one would also misjudge the
 * next. There are only as many as there are followers and connections changing state.
 */
const KEPT_IN_A_BURST: ReadonlySet<EngineEvent["type"]> = new Set(["followerState", "connectionStatus"]);

/**
 * Engine events in, messages to the trader's phone out. push() only files the event (the engine's
 * listener returns at once); the rules, the collapsing and the HTTP requests all run later on the
 * event loop, so nothing here is on the path from a leader fill to the follower orders.
 */
export class Notifier {
  private readonly clock: Clock;
  private readonly memory: RuleMemory;
  private readonly collapser: Collapser;
  private readonly deliveries = new Map<string, { target: NotificationTarget; delivery: Delivery }>();
  private readonly schedule: (run: () => void) => void;
  private inbox: EngineEvent[] = [];
  private scheduled = false;
  private open = true;
  private overflow = 0;
  /** Aborts requests still on the wire when close() has waited long enough. */
  private readonly closing = new AbortController();

  constructor(private readonly options: NotifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.memory = ruleMemory(options.knownStates);
    this.schedule = options.schedule ?? ((run) => setImmediate(run));
    this.collapser = new Collapser(options.notifications.collapseSeconds * 1000, this.clock, (notice) =>
      this.fanOut(notice),
    );
    for (const target of options.notifications.targets) {
      const resolved = options.secrets[target.name];
      if (!resolved?.ok) continue;
      const delivery = new Delivery({
        clock: this.clock,
        policy: options.policy,
        onStreak: (change) => this.onStreak(target, change),
        send: (message) =>
          postOnce(requestFor(target, resolved.secrets, message), {
            clock: this.clock,
            timeoutMs: options.timeoutMs ?? 10_000,
            fetchImpl: options.fetchImpl,
            signal: this.closing.signal,
            scrub: options.scrub,
          }),
      });
      this.deliveries.set(target.name, { target, delivery });
    }
  }

  /** Says which targets send nothing because their secret could not be read. Call once listeners exist. */
  start(): void {
    for (const target of this.options.notifications.targets) {
      const resolved = this.options.secrets[target.name];
      if (resolved?.ok) continue;
      this.alert(
        "error",
        `notifications to "${target.name}" are off: ${resolved?.problem ?? "its secrets were not read"}; fix it and restart mimik`,
      );
    }
  }

  /**
   * Call once the engine has started. Risk has announced every lock it restored by then; one the
   * day roll lifted at start was never announced, so the state file's word for it no longer
   * holds, and the follower's next lock must be news.
   */
  engineStarted(): void {
    this.drain();
    this.memory.saved.clear();
  }

  /** Files an engine event; returns at once. */
  push(event: EngineEvent): void {
    if (!this.open || RULES[event.type] === undefined) return;
    // Most copy events are copies that went: not news, and they would crowd a reject out of a burst.
    if (
      event.type === "copy" &&
      event.outcome !== "rejected" &&
      event.outcome !== "skipped" &&
      closeOnlyGate(event) === undefined
    )
      return;
    if (this.inbox.length >= MAX_INBOX && !KEPT_IN_A_BURST.has(event.type)) {
      this.overflow += 1;
      return;
    }
    this.inbox.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.drain());
    }
  }

  /**
   * Stops taking events, sends the collapsed repeats still waiting, and gives the targets up to
   * `graceMs` to deliver what is queued (a lock just before shutdown still reaches the phone).
   */
  async close(graceMs = 3000): Promise<void> {
    if (!this.open) return;
    this.drain();
    this.open = false;
    this.collapser.flush();
    let timer: unknown;
    await Promise.race([
      Promise.all([...this.deliveries.values()].map((d) => d.delivery.idle())),
      new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, graceMs);
      }),
    ]);
    this.clock.clearTimeout(timer);
    for (const { delivery } of this.deliveries.values()) delivery.stop();
    this.closing.abort();
  }

  /** Resolves once the events filed so far are looked at and no request is on the wire (tests). */
  async quiet(): Promise<void> {
    this.drain();
    await Promise.all([...this.deliveries.values()].map((d) => d.delivery.quiet()));
  }

  private drain(): void {
    this.scheduled = false;
    const events = this.inbox;
    this.inbox = [];
    const notices: Notice[] = [];
    for (const event of events) {
      const notice = noticeFor(event, this.memory);
      if (notice) notices.push(notice);
    }
    for (const notice of coalesce(notices)) this.collapser.offer(notice);
    if (this.overflow > 0) {
      const skipped = this.overflow;
      this.overflow = 0;
      this.options.alert({
        type: "alert",
        at: this.clock.now(),
        level: "warn",
        message: `notifications: ${skipped} events arrived faster than they could be looked at and were not notified (the journal has them)`,
      });
    }
  }

  private fanOut(notice: Notice): void {
    for (const { target, delivery } of this.deliveries.values())
      if (notice.kind === "test" || wantsKind(target, notice.kind)) delivery.enqueue(notice);
  }

  private onStreak(target: NotificationTarget, change: StreakChange): void {
    const scrub = this.options.scrub ?? ((text: string) => text);
    if (change.kind === "failing")
      this.alert(
        "error",
        `notifications to "${target.name}" (${target.kind}) are failing: ${scrub(change.error)}; mimik keeps trying with each new one`,
      );
    else
      this.alert(
        "info",
        `notifications to "${target.name}" (${target.kind}) work again${change.lost > 0 ? `; ${change.lost} could not be delivered meanwhile` : ""}`,
      );
  }

  private alert(level: AlertEvent["level"], message: string): void {
    this.options.alert({ type: "alert", at: this.clock.now(), level, message });
  }
}
