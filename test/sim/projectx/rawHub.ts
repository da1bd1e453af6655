import WebSocket from "ws";

const RS = "\u001e";

/**
 * A bare SignalR JSON-protocol client over `ws`, for checking the simulator's hubs byte by byte
 * (the real client hides the framing). Collects every message; `next` waits for one.
 */
export class RawHub {
  readonly messages: Array<Record<string, unknown>> = [];
  readonly frames: string[] = [];
  closed = false;
  private readonly ws: WebSocket;
  private waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      const text = data.toString();
      this.frames.push(text);
      for (const part of text.split(RS))
        if (part) this.messages.push(JSON.parse(part) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Opens the socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawHub> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, "ws"), { headers });
      const hub = new RawHub(ws);
      ws.once("open", () => resolve(hub));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  send(...messages: object[]): void {
    this.ws.send(messages.map((m) => JSON.stringify(m) + RS).join(""));
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  async handshake(): Promise<Record<string, unknown>> {
    this.sendText(`{"protocol":"json","version":1}${RS}`);
    return this.next(() => true);
  }

  invoke(id: string, target: string, ...args: unknown[]): Promise<Record<string, unknown>> {
    this.send({ type: 1, invocationId: id, target, arguments: args });
    return this.next((m) => m.type === 3 && m.invocationId === id);
  }

  async next(
    pred: (m: Record<string, unknown>) => boolean,
    timeoutMs = 3000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (this.closed) throw new Error("the hub closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a hub message");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has closed the socket. */
  async whenClosed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("the hub did not close");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
