/** Fault switches the control API flips; read by the request path and the socket writer. */
export interface Faults {
  duplicate: boolean;
  reorder: boolean;
  /** Send the events a request causes before its reply (real ordering is not guaranteed). */
  eventsFirst: boolean;
  rateLimited: boolean;
  penalty: { remaining: number; pTime: number; captcha: boolean };
  /** The next `remaining` token renewals answer `status` (a gateway or timeout on the way). */
  renewFailures: { remaining: number; status: number };
  /** Market-data sockets refuse every token (401): a login without market-data access. */
  marketDataRefused: boolean;
  /**
   * The next `remaining` order requests (either broker) are answered `status`, carried out first
   * or (`carriedOut` false) never reaching the venue: the client cannot tell which.
   */
  lostAnswers: LostAnswers;
  /** Extra latency for outgoing frames, by user name. */
  delays: Map<string, number>;
  /** Sync snapshots leave out flat positions (netPos 0), as Tradovate may drop one. */
  flatPositionsLeftOut: boolean;
}

export interface LostAnswers {
  remaining: number;
  status: number;
  carriedOut: boolean;
}

export function noFaults(): Faults {
  return {
    duplicate: false,
    reorder: false,
    eventsFirst: false,
    rateLimited: false,
    penalty: { remaining: 0, pTime: 0, captcha: false },
    renewFailures: { remaining: 0, status: 0 },
    marketDataRefused: false,
    lostAnswers: { remaining: 0, status: 0, carriedOut: true },
    delays: new Map(),
    flatPositionsLeftOut: false,
  };
}

/** How this order request's answer is lost, if it is to be lost (counts it). */
export function takeLostAnswer(faults: Faults): { status: number; carriedOut: boolean } | undefined {
  const lost = faults.lostAnswers;
  if (lost.remaining <= 0) return undefined;
  lost.remaining -= 1;
  return { status: lost.status, carriedOut: lost.carriedOut };
}

/** Requests that change orders or positions: the ones whose answers the control API can lose. */
export const ORDER_ENDPOINTS: ReadonlySet<string> = new Set([
  "order/placeorder",
  "order/cancelorder",
  "order/liquidateposition",
  "order/modifyorder",
  "order/placeoco",
  "order/placeoso",
  "orderstrategy/startorderstrategy",
]);

/** Endpoints that p-tickets apply to (auth and order entry, as Tradovate penalises per endpoint). */
export const PENALISED: ReadonlySet<string> = new Set(["auth/accesstokenrequest", ...ORDER_ENDPOINTS]);
