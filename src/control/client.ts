import { randomUUID } from "node:crypto";
import { lstat } from "node:fs/promises";
import { connect } from "node:net";
import { dirname } from "node:path";
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

/**
 * The request was sent and the connection ended with no answer: the instance died, or was killed,
 * while carrying it out. It may or may not have been done.
 */
export class AnswerLostError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "AnswerLostError";
  }
}

export interface SendOptions {
  /** Give up after this long. Default 10 s (a flatten waits for the broker). */
  timeoutMs?: number;
}

/**
 * Is the socket ours to trust? Its folder and the socket itself must belong to this user and the
 * folder must be closed to others: a socket in a folder another local user made (a squatted
 * /tmp/mimik-<uid>) could answer "nothing to flatten" to a panic button. Missing = no instance.
 */
export async function checkSocketOwner(socketPath: string): Promise<void> {
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  if (uid === undefined) return;
  const dir = dirname(socketPath);
  let folder: Awaited<ReturnType<typeof lstat>>;
  try {
    folder = await lstat(dir);
  } catch {
    throw new NoInstanceError(socketPath, "no socket");
  }
  const fix = "remove it, or set XDG_RUNTIME_DIR to a folder of your own";
  if (!folder.isDirectory() || folder.uid !== uid)
    throw new UserError(
      `refusing the control socket folder ${dir}: it ${folder.isDirectory() ? `belongs to another user (uid ${folder.uid})` : "is not a directory"}; ${fix}`,
    );
  if ((folder.mode & 0o077) !== 0)
    throw new UserError(
      `refusing the control socket folder ${dir}: others can write to it (mode ${(folder.mode & 0o777).toString(8)}); ${fix}`,
    );
  let socket: Awaited<ReturnType<typeof lstat>>;
  try {
    socket = await lstat(socketPath);
  } catch {
    throw new NoInstanceError(socketPath, "no socket");
  }
  if (!socket.isSocket() || socket.uid !== uid)
    throw new UserError(`refusing ${socketPath}: it is not a socket of yours; ${fix}`);
}

/** Sends one request to the running instance and resolves with its response. */
export async function sendControl(
  socketPath: string,
  request: ControlRequestInput,
  opts: SendOptions = {},
): Promise<ControlResponse> {
  await checkSocketOwner(socketPath);
  return exchange(socketPath, request, opts);
}

function exchange(
  socketPath: string,
  request: ControlRequestInput,
  opts: SendOptions,
): Promise<ControlResponse> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const id = request.id ?? randomUUID();
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffered = "";
    let settled = false;
    // Once a command is sent, no answer does not mean not done: the instance may be carrying it out.
    let sent = false;
    const maybeDone = () =>
      sent && request.cmd !== "status"
        ? `; the ${request.cmd} may still have been done: see mimik status`
        : "";
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
          new UserError(
            `the running mimik instance did not answer within ${timeoutMs} ms (${socketPath})${maybeDone()}`,
          ),
        ),
      timeoutMs,
    );
    socket.setEncoding("utf8");
    socket.once("connect", () => {
      sent = true;
      socket.write(`${JSON.stringify({ ...request, id })}\n`);
    });
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
      else if (sent && (error.code === "ECONNRESET" || error.code === "EPIPE"))
        finish(new AnswerLostError(`the running mimik instance went away before answering${maybeDone()}`));
      else
        finish(
          new UserError(
            `cannot reach the running mimik instance at ${socketPath}: ${error.message}${maybeDone()}`,
          ),
        );
    });
    socket.on("close", () =>
      finish(
        sent
          ? new AnswerLostError(
              `the running mimik instance closed the connection without answering${maybeDone()}`,
            )
          : new UserError(`the running mimik instance closed the connection without answering`),
      ),
    );
  });
}
