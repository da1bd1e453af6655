import type { Clock } from "../../engine/index.js";
import { causeKey, gather, gathers } from "./causes.js";
import { type Notice, STATE_KINDS } from "./rules.js";

/**
 * Repeats folded into one message. The first notice of a kind about a subject goes at once (a lock
 * must not wait); repeats within the window are only counted, and when the window ends one message
 * says the latest of them and how many there were, which opens the next window. A storm of
 * "held back: locked" skips is then one message a minute, not one per leader fill. The followers
 * a trading window or a flatten by hand of a group locks one by one, as each flatten is done, are
 * gathered instead: the summary names the ones locked since.
 */

interface Window {
  /** Repeats counted in this window, and the latest one. */
  repeats: number;
  latest: Notice | undefined;
  timer: unknown;
  /** Times another state of its subject was folded away by a repeat counted here (a "lost" between two "back"s). */
  foldedAway: number;
}

export class Collapser {
  private readonly windows = new Map<string, Window>();
  /** The last state kind sent about each subject that has states (a connection). */
  private readonly lastSaid = new Map<string, Notice["kind"]>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly emit: (notice: Notice) => void,
  ) {}

  offer(notice: Notice): void {
    if (this.windowMs <= 0) {
      this.say(notice);
      return;
    }
    const folded = this.supersede(notice);
    const key = causeKey(notice);
    const open = this.windows.get(key);
    if (open) {
      open.repeats += 1;
      open.latest = gathers(notice) ? gather(open.latest, notice) : notice;
      open.foldedAway += folded;
      return;
    }
    this.say(notice);
    this.open(key);
  }

  /**
   * A connection's news is its latest state: a repeat of another state counted for the same
   * connection is out of date, and its summary must not come after this one (a "back" summary
   * sent while the connection is down again would be the phone's last word on it).
   */
  private supersede(notice: Notice): number {
    const kinds = STATE_KINDS.get(notice.kind);
    if (!kinds) return 0;
    let folded = 0;
    for (const kind of kinds) {
      if (kind === notice.kind) continue;
      const window = this.windows.get(`${kind}\u0000${notice.subject}`);
      if (!window?.latest) continue;
      folded = 1;
      window.latest = undefined;
      window.repeats = 0;
    }
    return folded;
  }

  /** Sends every pending summary now and closes all windows (shutdown). */
  flush(): void {
    for (const [key, window] of this.windows) {
      this.clock.clearTimeout(window.timer);
      this.windows.delete(key);
      if (window.latest) this.say(this.summary(window));
    }
  }

  private open(key: string): void {
    const window: Window = { repeats: 0, latest: undefined, timer: undefined, foldedAway: 0 };
    window.timer = this.clock.setTimeout(() => this.close(key), this.windowMs);
    this.windows.set(key, window);
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    this.windows.delete(key);
    if (!window?.latest) return;
    this.say(this.summary(window));
    this.open(key);
  }

  private say(notice: Notice): void {
    if (STATE_KINDS.has(notice.kind)) this.lastSaid.set(notice.subject, notice.kind);
    this.emit(notice);
  }

  private summary(window: Window): Notice {
    const latest = window.latest!;
    // More followers a window took: the summary names them, a count of repeats would not.
    if (gathers(latest)) return latest;
    // The latest repeat is the message; the count says how many it stands for, itself included.
    const summary = {
      ...latest,
      repeats: window.repeats - 1,
      windowSeconds: Math.round(this.windowMs / 1000),
    };
    // A "back" after one the phone had, the loss between them folded away: it says what it is back from.
    const lost = window.foldedAway;
    if (latest.kind === "connectionRestored" && lost > 0 && this.lastSaid.get(latest.subject) === latest.kind)
      summary.text = `${latest.text} again: it was lost ${lost === 1 ? "once more" : `${lost} more times`} meanwhile`;
    return summary;
  }
}
