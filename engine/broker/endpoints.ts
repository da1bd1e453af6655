/** Tradovate's hosts (tradovate-protocol.md §1). Market data has one host for demo and live. */
export function tradovateEndpoints(env: "demo" | "live"): { restUrl: string; wsUrl: string; mdUrl: string } {
  const host = env === "live" ? "live.tradovateapi.com" : "demo.tradovateapi.com";
  return {
    restUrl: `https://${host}/v1`,
    wsUrl: `wss://${host}/v1/websocket`,
    mdUrl: "wss://md.tradovateapi.com/v1/websocket",
  };
}
