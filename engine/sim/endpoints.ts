/**
 * Where a simulator at `base` (http://127.0.0.1:PORT) serves what. Tradovate's market data has
 * its own host (md.tradovateapi.com); the simulator has one port, so market data has its own path.
 */
export const TRADING_SOCKET_PATH = "/v1/websocket";
export const MD_SOCKET_PATH = "/md/v1/websocket";

export function simEndpoints(base: string): { restUrl: string; wsUrl: string; mdUrl: string } {
  const http = base.replace(/\/+$/, "");
  const ws = http.replace(/^http/, "ws");
  return { restUrl: `${http}/v1`, wsUrl: `${ws}${TRADING_SOCKET_PATH}`, mdUrl: `${ws}${MD_SOCKET_PATH}` };
}

/** Where the simulator's ProjectX face answers: REST under /api, the hubs under /hubs. */
export function projectxSimEndpoints(base: string): {
  apiUrl: string;
  userHubUrl: string;
  marketHubUrl: string;
} {
  const http = base.replace(/\/+$/, "");
  return { apiUrl: http, userHubUrl: `${http}/hubs/user`, marketHubUrl: `${http}/hubs/market` };
}
