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
  /** The next `remaining` ProjectX order requests are carried out, then answered HTTP `status`. */
  lostAnswers: { remaining: number; status: number };
  /** Extra latency for outgoing frames, by user name. */
  delays: Map<string, number>;
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
    lostAnswers: { remaining: 0, status: 0 },
    delays: new Map(),
  };
}

/** Endpoints that p-tickets apply to (auth and order entry, as Tradovate penalises per endpoint). */
export const PENALISED = new Set([
  "auth/accesstokenrequest",
  "order/placeorder",
  "order/cancelorder",
  "order/liquidateposition",
  "order/modifyorder",
  "order/placeoco",
  "order/placeoso",
  "orderstrategy/startorderstrategy",
]);
