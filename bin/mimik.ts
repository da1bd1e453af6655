#!/usr/bin/env node
import { main } from "../src/cli/main.js";

// SIGUSR1 would open Node's inspector on 127.0.0.1:9229, where any local user could read this
// process's memory, broker password included. A listener of our own turns that off.
process.on("SIGUSR1", () => undefined);
// Output errors (a reader gone, a full disk) are handled per command by main(); a late one, after
// the command ended, must not become an uncaught exception with a stack trace.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

// main() resolves only once a command has shut down cleanly (journal flushed, sockets closed),
// so exiting then is safe, and it stops a stray handle (a terminal left in flowing mode by the
// console, a socket in its close handshake) from keeping a finished mimik alive.
const exit = (code: number) => {
  process.stdout.write("", () => process.exit(code));
};

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  console.error(`mimik: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  exit(1);
});
