import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the test server received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

/** How the server answers a request: a status, a body and headers, or never (a hung service). */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

/**
 * A local HTTP server standing in for Discord, Telegram, ntfy or a webhook: it records every
 * request and answers as the test says (by default 200). Waiting is by request count, never by time.
 */
export interface TestServer {
  url: string;
  received: Received[];
  /** Answer for the next requests (in order); when used up, `fallback`. */
  answers: Answer[];
  fallback: Answer;
  /** Resolves once `count` requests in all have arrived. */
  requests(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: (r: Received[]) => void }[] = [];
  const hung: (() => void)[] = [];
  let server: Server;
  const state = {
    answers: [] as Answer[],
    fallback: { status: 200, body: "{}" } as Answer,
  };
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        json: () => JSON.parse(body),
      });
      for (const w of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve([...received]);
      }
      const answer = state.answers.shift() ?? state.fallback;
      if (answer === "hang") {
        hung.push(() => res.destroy());
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get answers() {
      return state.answers;
    },
    set answers(list: Answer[]) {
      state.answers = list;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(answer: Answer) {
      state.fallback = answer;
    },
    requests(count) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const end of hung) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
