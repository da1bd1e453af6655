import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { connect, createServer, type Socket } from "node:net";
import { dirname } from "node:path";
import { UserError } from "../../data/userError.js";
import {
  type ControlReply,
  type ControlRequest,
  type ControlResponse,
  parseRequestLine,
} from "./protocol.js";

export type ControlHandler = (request: ControlRequest) => Promise<ControlReply>;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** A request line longer than this is not a control request; the connection is dropped. */
const MAX_LINE_BYTES = 64 * 1024;
/** A connection that says nothing for this long is closed. */
const IDLE_MS = 60_000;
/** Requests one connection may have waiting or running; beyond it the socket is not read. */
const MAX_PENDING = 4;
/** Reply bytes waiting for a client that does not read; beyond it the socket is not read. */
const MAX_UNREAD_REPLY_BYTES = 256 * 1024;
/** Connections served at once; more are closed at once (only this user can connect at all). */
const MAX_CONNECTIONS = 32;

export async function startControlServer(
  socketPath: string,
  handler: ControlHandler,
): Promise<ControlServer> {
  await ensurePrivateDir(dirname(socketPath));
  await clearStaleSocket(socketPath);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    if (sockets.size >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serveConnection(socket, handler);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  server.on("error", () => {}); // after listen, errors belong to connections, handled there
  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        await unlink(socketPath).catch(() => {});
      })();
      return closing;
    },
  };
}

/**
 * One client. Requests are answered one at a time, in order, each with its id. A client cannot
 * make this process do unbounded work or hold unbounded memory: while it has MAX_PENDING requests
 * waiting, or has not read MAX_UNREAD_REPLY_BYTES of replies, its socket is simply not read (TCP
 * flow control holds it back), and reading resumes when it catches up.
 */
function serveConnection(socket: Socket, handler: ControlHandler): void {
  socket.setEncoding("utf8");
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on("error", () => {}); // the client went away; nothing to tell anyone
  let buffered = "";
  const lines: string[] = [];
  let running = false;
  // After a too-long line: what follows it is still read (to see the close) but never acted on.
  let dropped = false;
  const full = () => lines.length >= MAX_PENDING || socket.writableLength > MAX_UNREAD_REPLY_BYTES;
  const readMore = () => {
    if (!full() && socket.isPaused()) socket.resume();
  };
  const reply = (response: ControlResponse): void => {
    if (!socket.writable) return;
    let text: string;
    try {
      text = JSON.stringify(response);
    } catch {
      text = JSON.stringify({ id: response.id, ok: false, error: "the reply could not be encoded" });
    }
    socket.write(`${text}\n`);
  };
  const next = async (): Promise<void> => {
    if (running) return;
    running = true;
    for (let line = lines.shift(); line !== undefined; line = lines.shift()) {
      readMore();
      const response = await answer(line, handler).catch((error: unknown) => ({
        id: null,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }));
      if (socket.destroyed) break;
      reply(response);
    }
    running = false;
  };
  socket.on("drain", readMore);
  socket.on("data", (chunk: string) => {
    if (dropped) return;
    buffered += chunk;
    let nl = buffered.indexOf("\n");
    while (nl !== -1) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line.length > 0) lines.push(line);
      nl = buffered.indexOf("\n");
    }
    if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
      reply({ id: null, ok: false, error: "invalid request: line too long" });
      dropped = true;
      socket.end();
      buffered = "";
      lines.length = 0;
      return;
    }
    if (full()) socket.pause();
    void next();
  });
}

async function answer(line: string, handler: ControlHandler): Promise<ControlResponse> {
  const parsed = parseRequestLine(line);
  if (!parsed.ok) return parsed.response;
  const { id } = parsed.request;
  try {
    const reply = await handler(parsed.request);
    return { ...reply, id };
  } catch (error) {
    return { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Our own folder, mode 0700, not a symlink, not someone else's. */
async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new UserError(`control socket folder ${dir} is not a directory`);
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  if (uid !== undefined && st.uid !== uid) {
    throw new UserError(
      `control socket folder ${dir} belongs to another user; remove it or set XDG_RUNTIME_DIR`,
    );
  }
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** A socket file left by a dead instance is removed; one that answers means we are not alone. */
async function clearStaleSocket(socketPath: string): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(socketPath);
  } catch {
    return;
  }
  if (!st.isSocket())
    throw new UserError(`${socketPath} exists and is not a socket; remove it and try again`);
  if (await answers(socketPath)) {
    throw new UserError(`another mimik instance is already serving this config (socket ${socketPath})`);
  }
  await unlink(socketPath).catch(() => {});
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    const done = (alive: boolean) => {
      probe.destroy();
      resolve(alive);
    };
    probe.setTimeout(1000, () => done(false));
    probe.once("connect", () => done(true));
    probe.once("error", () => done(false));
  });
}
