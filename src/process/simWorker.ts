import { parentPort, workerData } from "node:worker_threads";
import { startSimulator } from "../../engine/index.js";
import { DemoTrader } from "../demo/demoTrader.js";

/**
 * The embedded simulator in a thread of its own, like a broker on another machine: the engine's
 * thread talks to it over loopback sockets, and neither the screen nor the engine can slow it.
 * With `demo`, the demo trader trades its leader every few seconds.
 */
export interface SimThreadInit {
  demo?: { leader: string; intervalMs: number } | undefined;
}

/** The demo trades after this long even if mimik never said it is connected. */
const TRADE_ANYWAY_MS = 20_000;

const port = parentPort;
if (!port) throw new Error("the simulator thread must be started as a worker");
const init = workerData as SimThreadInit;

void (async () => {
  // The demo keeps no session: someone trying mimik on a Saturday or in the daily halt would
  // otherwise watch a market standing still and brackets that never fill.
  const sim = await startSimulator({ port: 0, ...(init.demo ? { alwaysOpen: true } : {}) });
  const timers: NodeJS.Timeout[] = [];
  let startTrading: () => void = () => undefined;
  if (init.demo) {
    const trader = new DemoTrader(sim.control, {
      leader: init.demo.leader,
      symbols: [
        { name: "NQZ6", tick: 0.25 },
        { name: "ESZ6", tick: 0.25 },
        { name: "CLF7", tick: 0.01 },
      ],
    });
    const every = init.demo.intervalMs;
    let trading = false;
    // From the moment mimik is connected (the "trade" message), or a while after the start if
    // that never comes: a first trade while mimik is still logging in is one it can never copy,
    // and a newcomer's first sight of mimik was every follower OUT OF SYNC.
    startTrading = () => {
      if (trading) return;
      trading = true;
      timers.push(setTimeout(() => trader.step(), Math.min(every, 1200)));
      timers.push(setInterval(() => trader.step(), every));
    };
    timers.push(setTimeout(startTrading, TRADE_ANYWAY_MS));
  }
  port.on("message", (message: { kind: "stop" | "trade" }) => {
    if (message.kind === "trade") startTrading();
    if (message.kind !== "stop") return;
    for (const t of timers) clearTimeout(t);
    void sim.close().finally(() => {
      port.postMessage({ kind: "stopped" });
      port.close();
    });
  });
  port.postMessage({ kind: "ready", url: sim.url });
})().catch((error: unknown) => {
  port.postMessage({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
});
