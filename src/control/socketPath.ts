import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realConfigPath } from "../../data/configIdentity.js";

/** sun_path is 108 bytes on Linux and 104 on macOS, including the NUL. */
const MAX_SOCKET_PATH_BYTES = 103;

/**
 * The control socket for one config file: <runtimeDir>/<hash of the config's absolute path>.sock.
 * The same config always maps to the same socket, two configs never share one. If the runtime
 * dir is too deep for sun_path, falls back to a per-user folder in the system temp dir.
 */
export function controlSocketPath(configPath: string, runtimeDir: string): string {
  const name = `${configHash(configPath)}.sock`;
  const preferred = join(runtimeDir, name);
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH_BYTES) return preferred;
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  const fallback = join(tmpdir(), `mimik-${uid}`, name);
  return Buffer.byteLength(fallback) <= MAX_SOCKET_PATH_BYTES ? fallback : join("/tmp", `mimik-${uid}`, name);
}

/** Named after the config's real path, like its lock, state and journal (data/configIdentity.ts). */
function configHash(configPath: string): string {
  return createHash("sha256").update(realConfigPath(configPath)).digest("hex").slice(0, 16);
}
