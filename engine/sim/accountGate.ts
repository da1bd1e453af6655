/**
 * Whether an account may trade right now: the broker's risk state (locked, liquidation-only), the
 * exchange's halt (SessionClosed, tradovate-protocol.md §5.1) and the control API's forced rejections. A locked account refuses every new order; a
 * liquidation-only account refuses only orders that would open or add, as Tradovate does.
 */

export type RiskMode = "normal" | "liquidationOnly" | "locked";

export interface Rejection {
  failureReason: string;
  failureText: string;
  /** "reply": the request answers with failureReason; "event": accepted, then order Rejected. */
  mode: "reply" | "event";
  /** Only orders of these types fail (a broker that takes the stop but not the target); all if absent. */
  orderTypes?: readonly string[] | undefined;
}

export class AccountGate {
  private readonly rejections = new Map<number, Rejection>();
  /** Forced refusals of modifies (the control API's), apart from those of new orders. */
  private readonly modifyRejections = new Map<number, Rejection>();

  constructor(
    private readonly modeOf: (accountId: number) => RiskMode,
    /** Whether the exchange refuses new orders now (the daily halt, the weekend). */
    private readonly closed: () => boolean = () => false,
  ) {}

  mode(accountId: number): RiskMode {
    return this.modeOf(accountId);
  }

  setRejection(accountId: number, rejection: Rejection | null): void {
    if (rejection) this.rejections.set(accountId, rejection);
    else this.rejections.delete(accountId);
  }

  /**
   * Why a new order must fail, if it must. `opening` says whether it could open or add to a
   * position (counting the account's other working orders on the same side); `orderTypes` are the
   * request's (two for an OCO).
   */
  refusal(accountId: number, opening: boolean, orderTypes?: readonly string[]): Rejection | undefined {
    const mode = this.modeOf(accountId);
    if (mode === "locked")
      return {
        failureReason: "TradingLocked",
        failureText: "Trading is locked for this account",
        mode: "reply",
      };
    if (mode === "liquidationOnly" && opening)
      return {
        failureReason: "LiquidationOnly",
        failureText:
          "The account is in liquidation-only mode: only orders that reduce a position are accepted",
        mode: "reply",
      };
    const halted = this.halted();
    if (halted) return halted;
    const forced = this.rejections.get(accountId);
    if (forced?.orderTypes && !orderTypes?.some((t) => forced.orderTypes!.includes(t))) return undefined;
    return forced;
  }

  /** The exchange's refusal while it is halted: no order goes in, opening or closing. */
  halted(): Rejection | undefined {
    if (!this.closed()) return undefined;
    return {
      failureReason: "SessionClosed",
      failureText: "The session is closed: the exchange takes no orders until it reopens at 17:00 CT",
      mode: "reply",
    };
  }

  setModifyRejection(accountId: number, rejection: Rejection | null): void {
    if (rejection) this.modifyRejections.set(accountId, rejection);
    else this.modifyRejections.delete(accountId);
  }

  /**
   * Modifying a working order: refused when the account's risk state forbids the change, or when
   * the control API makes modifies fail (forced rejections of new orders leave modifies alone).
   */
  modifyRefusal(accountId: number, opening: boolean): Rejection | undefined {
    const refusal = this.refusal(accountId, opening);
    if (refusal && refusal !== this.rejections.get(accountId)) return refusal;
    return this.modifyRejections.get(accountId);
  }
}
