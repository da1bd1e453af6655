/** RSS after N leader fills, in a process of its own (see bench/run.ts); prints one JSON object. */
import { memoryAfterFills } from "./memory.js";
import { startFleet } from "./phases.js";

async function main(): Promise<void> {
  const fills = Number(process.argv[2] ?? 100_000);
  const run = await startFleet(1);
  try {
    process.stdout.write(`${JSON.stringify(await memoryAfterFills(run, fills))}\n`);
  } finally {
    await run.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`memory run failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
