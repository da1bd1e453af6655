#!/usr/bin/env node
import { main } from "../src/cli/main.js";

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
