import { Agent, fetch as undiciFetch } from "undici";

/**
 * How long an idle connection to a broker's REST API is kept for the next request, when the
 * server does not say (a `Keep-Alive: timeout=` hint is taken, up to ten minutes). Node's own
 * fetch keeps one 4 s, and ProjectX does not say (its API answers as ASP.NET Core does, whose
 * server sends no hint). ProjectX takes every order over REST, so a follower's copy after more
 * than 4 s of quiet, which is most of a trading day, opened a new TCP and TLS connection first (two
 * more round trips to the broker before the order). 30 s stays under what servers and load
 * balancers commonly keep (60 s and more), so the server is not the one closing a connection an
 * order is being written to.
 */
export const IDLE_CONNECTION_MS = 30_000;

export interface KeepAliveFetch {
  fetch: typeof fetch;
  /** Closes the kept connections (a stopped session). */
  close(): Promise<void>;
}

/** `answerMs`: how long an answer's headers, or a pause in its body, may take (undici's own: 300 s). */
export function keepAliveFetch(idleMs: number, answerMs: number): KeepAliveFetch {
  const agent = new Agent({
    keepAliveTimeout: idleMs,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: answerMs,
    bodyTimeout: answerMs,
  });
  const bound = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    });
  return {
    fetch: bound as unknown as typeof fetch,
    close: () => agent.close(),
  };
}
