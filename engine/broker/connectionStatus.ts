import type { BrokerEvent, ConnectionState, Logger, UnreadableAccountText } from "../types.js";

export interface ConnectionStatusDeps {
  connection: string;
  logger: Logger;
  /** Reasons leave redacted: a broker's words may carry a token or a secret. */
  redact(text: string): string;
  /** A session being stopped is not a connection that needs the trader. */
  stopped(): boolean;
  emit(event: BrokerEvent): void;
}

/**
 * A session's connection state as the engine hears it: each change once (with its reason,
 * redacted), a log line when it needs the trader, and the first outcome of a start awaited.
 */
export class ConnectionStatus {
  private current: ConnectionState = "down";
  private reason: string | undefined;
  private marketData: string | undefined;
  private unreadable: UnreadableAccountText[] = [];
  private firstOutcome: (() => void) | undefined;

  constructor(private readonly d: ConnectionStatusDeps) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** Connecting now; resolves at the first state that is not "connecting" (connected or a failure). */
  connecting(): Promise<void> {
    const outcome = new Promise<void>((resolve) => {
      this.firstOutcome = resolve;
    });
    this.set("connecting");
    return outcome;
  }

  set(state: ConnectionState, reason?: string): void {
    if (state !== "connecting") {
      this.firstOutcome?.();
      this.firstOutcome = undefined;
    }
    const text = reason === undefined ? undefined : this.d.redact(reason);
    if (state === this.current && text === this.reason) return;
    this.current = state;
    this.reason = text;
    const { connection } = this.d;
    if ((state === "reauth-needed" || state === "down") && !this.d.stopped())
      this.d.logger.error("broker connection needs attention", { connection, state, reason: text });
    this.emit();
  }

  /** Why quotes stopped (undefined: they come); said with the state, which it leaves as it is. */
  setMarketData(reason: string | undefined): void {
    const text = reason === undefined ? undefined : this.d.redact(reason);
    if (text === this.marketData) return;
    this.marketData = text;
    this.emit();
  }

  /** The login's accounts that could not be read (none: empty), said with the state. */
  setUnreadable(accounts: readonly UnreadableAccountText[]): void {
    this.unreadable = accounts.map((a) => ({ account: a.account, reason: this.d.redact(a.reason) }));
    this.emit();
  }

  private emit(): void {
    const { connection } = this.d;
    const marketData = this.marketData === undefined ? {} : { marketData: this.marketData };
    const unreadable = this.unreadable.length === 0 ? {} : { unreadable: this.unreadable };
    const state = { state: this.current, reason: this.reason };
    this.d.emit({ type: "connection", connection, ...state, ...marketData, ...unreadable });
  }
}
