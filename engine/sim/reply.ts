/** What an endpoint answers: HTTP status and JSON body (a plain string for non-2xx, as Tradovate's `d`). */
export interface Reply {
  status: number;
  body: unknown;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const fail = (status: number, text: string): Reply => ({ status, body: text });
