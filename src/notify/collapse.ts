import type { Clock } from "../../engine/index.js";
import { type Notice, STATE_KINDS } from "./rules.js";

/**
 * Repeats folded into one message. The first notice of a kind about a subject goes at once (a lock
 * must not wait); repeats within the window are only counted, and when the window ends one message
 * says the latest of them and how many there were, which opens the next window. A storm of
 * "held back: locked" skips is then one message a minute, not one per leader fill.
 */

interface Window {
  /** Repeats counted in this window, and the latest one. */
  repeats: number;
  latest: Notice | undefined;
  timer: unknown;
}

export class Collapser {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly emit: (notice: Notice) => void,
  ) {}

  offer(notice: Notice): void {
    if (this.windowMs <= 0) {
      this.emit(notice);
      return;
    }
    this.supersede(notice);
    const key = `${notice.kind}\u0000${notice.subject}`;
    const open = this.windows.get(key);
    if (open) {
      open.repeats += 1;
      open.latest = notice;
      return;
    }
    this.emit(notice);
    this.open(key);
  }

  /**
   * A connection's news is its latest state: a repeat of another state counted for the same
   * connection is out of date, and its summary must not come after this one (a "back" summary
   * sent while the connection is down again would be the phone's last word on it).
   */
  private supersede(notice: Notice): void {
    const kinds = STATE_KINDS.get(notice.kind);
    if (!kinds) return;
    for (const kind of kinds) {
      if (kind === notice.kind) continue;
      const window = this.windows.get(`${kind}\u0000${notice.subject}`);
      if (!window) continue;
      window.latest = undefined;
      window.repeats = 0;
    }
  }

  /** Sends every pending summary now and closes all windows (shutdown). */
  flush(): void {
    for (const [key, window] of this.windows) {
      this.clock.clearTimeout(window.timer);
      this.windows.delete(key);
      if (window.latest) this.emit(this.summary(window));
    }
  }

  private open(key: string): void {
    const window: Window = { repeats: 0, latest: undefined, timer: undefined };
    window.timer = this.clock.setTimeout(() => this.close(key), this.windowMs);
    this.windows.set(key, window);
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    this.windows.delete(key);
    if (!window?.latest) return;
    this.emit(this.summary(window));
    this.open(key);
  }

  private summary(window: Window): Notice {
    const latest = window.latest!;
    // The latest repeat is the message; the count says how many it stands for, itself included.
    return { ...latest, repeats: window.repeats - 1, windowSeconds: Math.round(this.windowMs / 1000) };
  }
}
