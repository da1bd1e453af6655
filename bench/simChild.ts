/**
 * The simulator in its own process, so the bench's engine and the "broker" do not share one
 * event loop (as in life, where Tradovate is another machine). argv[2]: a scenario JSON file.
 * Prints "listening on URL"; then reads commands, one per line, on stdin (cheaper for the
 * measured process than an HTTP request per trade):
 *   trade ACCOUNT SYMBOL Buy|Sell QTY
 *   burst ACCOUNT SYMBOL COUNT PER_TICK TICK_MS   (alternating 1-lot Buy/Sell; prints "burst done")
 *   stamps   (prints "stamps JSON": order arrivals and fill sends since the last call)
 * Exits when stdin closes or on SIGTERM.
 */
import { createInterface } from "node:readline";
import { loadScenario, type Simulator, startSimulator } from "../engine/sim/index.js";

function trade(sim: Simulator, account: string, symbol: string, action: "Buy" | "Sell", qty: number): void {
  const reply = sim.control.manualTrade(account, symbol, action, qty);
  if ("failureReason" in reply) process.stderr.write(`trade refused: ${reply.failureReason}\n`);
}

function burst(
  sim: Simulator,
  account: string,
  symbol: string,
  count: number,
  perTick: number,
  tickMs: number,
) {
  let done = 0;
  const tick = () => {
    for (let i = 0; i < perTick && done < count; i++, done++) {
      trade(sim, account, symbol, done % 2 === 0 ? "Buy" : "Sell", 1);
    }
    if (done < count) setTimeout(tick, tickMs);
    else process.stdout.write("burst done\n");
  };
  tick();
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: simChild SCENARIO.json");
  const sim = await startSimulator({
    port: 0,
    priceIntervalMs: 0,
    // The benchmark measures copying, so it must run in the daily halt and at the weekend too.
    alwaysOpen: true,
    scenario: loadScenario(file),
    stamps: true,
  });
  process.stdout.write(`listening on ${sim.url}\n`);
  const stop = () => {
    sim.close().finally(() => process.exit(0));
  };
  createInterface({ input: process.stdin })
    .on("line", (line) => {
      const [cmd, account = "", symbol = "", a = "", b = "", c = ""] = line.trim().split(/\s+/);
      try {
        if (cmd === "trade") trade(sim, account, symbol, a === "Sell" ? "Sell" : "Buy", Number(b));
        else if (cmd === "burst") burst(sim, account, symbol, Number(a), Number(b), Number(c));
        else if (cmd === "stamps") process.stdout.write(`stamps ${JSON.stringify(sim.control.stamps())}\n`);
        else if (cmd) process.stderr.write(`unknown command: ${cmd}\n`);
      } catch (error) {
        process.stderr.write(`${cmd} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    })
    .on("close", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
