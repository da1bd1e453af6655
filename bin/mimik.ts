#!/usr/bin/env node
import { main } from "../src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`mimik: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
