import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { UserError } from "../../data/userError.js";
import { type ControlRequestInput, type ControlResponse, parseResponseLine } from "./protocol.js";

/** Nobody is serving this config's socket: the caller may act without the running instance. */
export class NoInstanceError extends UserError {
  constructor(
    readonly socketPath: string,
    why: "no socket" | "nobody listening",
  ) {
    super(
      why === "no socket"
        ? `no running mimik instance for this config (no socket at ${socketPath})`
        : `no running mimik instance for this config (nothing listening on ${socketPath})`,
    );
    this.name = "NoInstanceError";
  }
}

export interface SendOptions {
  /** Give up after this long. Default 10 s (a flatten waits for the broker). */
  timeoutMs?: number;
}

/** Sends one request to the running instance and resolves with its response. */
export function sendControl(
  socketPath: string,
  request: ControlRequestInput,
  opts: SendOptions = {},
): Promise<ControlResponse> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const id = request.id ?? randomUUID();
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffered = "";
    let settled = false;
    const finish = (error: Error | undefined, response?: ControlResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(response as ControlResponse);
    };
    const timer = setTimeout(
      () =>
        finish(
          new UserError(`the running mimik instance did not answer within ${timeoutMs} ms (${socketPath})`),
        ),
      timeoutMs,
    );
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify({ ...request, id })}\n`));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf("\n");
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const response = parseResponseLine(line);
        if (response === undefined) {
          finish(new UserError(`the running mimik instance sent a reply that is not a control response`));
          return;
        }
        // A response with id null answers a request the server could not read: ours.
        if (response.id === id || response.id === null) {
          finish(undefined, response);
          return;
        }
        nl = buffered.indexOf("\n");
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") finish(new NoInstanceError(socketPath, "no socket"));
      else if (error.code === "ECONNREFUSED") finish(new NoInstanceError(socketPath, "nobody listening"));
      else
        finish(new UserError(`cannot reach the running mimik instance at ${socketPath}: ${error.message}`));
    });
    socket.on("close", () =>
      finish(new UserError(`the running mimik instance closed the connection without answering`)),
    );
  });
}
