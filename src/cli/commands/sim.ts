import { UserError } from "../../../data/userError.js";
import type { Scenario } from "../../../engine/index.js";

// Loaded when the command runs: every other command starts without the simulator's code.
type SimModule = typeof import("../../../engine/index.js");
type SimEndpoints = ReturnType<SimModule["simEndpoints"]>;

import { untilSignal } from "../../process/signals.js";
import type { Command, CommandContext } from "../command.js";
import { parseFlags } from "../flags.js";

const usd = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;

function describe(
  url: string,
  scenario: Scenario,
  simEndpoints: (url: string) => SimEndpoints,
  alwaysOpen: boolean,
): string {
  const lines = [
    `REST     ${url}/v1`,
    `socket   ${simEndpoints(url).wsUrl}   (trading)`,
    `md       ${simEndpoints(url).mdUrl}   (market data: the md token works only here)`,
    `control  ${url}/sim/...`,
    `ProjectX REST ${url}/api/...   hubs ${url}/hubs/user, ${url}/hubs/market   (for the ProjectX users below)`,
    "users (simulated logins, not secrets):",
  ];
  for (const u of scenario.users) {
    if (u.broker === "projectx") {
      lines.push(`  ${u.name}   ProjectX API key: ${u.apiKey}`);
    } else {
      const key = u.apiKey
        ? `   API key: appId ${u.apiKey.appId}, cid ${u.apiKey.cid}, sec ${u.apiKey.sec}${u.apiKey.permissions === "none" ? " (no permissions)" : ""}`
        : "";
      lines.push(`  ${u.name} / ${u.password}${key}`);
    }
    for (const a of u.accounts) {
      const limit =
        a.dailyLossAutoLiq !== undefined ? `, daily loss auto-liq ${usd(a.dailyLossAutoLiq)}` : "";
      lines.push(`    ${a.name}  ${usd(a.balance)}${limit}`);
    }
  }
  lines.push(`products: ${scenario.products.map((p) => p.contracts[0]).join(" ")}`);
  const l = scenario.limits;
  lines.push(
    `limits per user: ${l.requestsPerSecond}/s, ${l.requestsPerMinute}/min, ${l.requestsPerHour}/h ` +
      `(a 429 stops the user for ${Math.round(l.rateLimitStopMs / 1000)} s), ${l.connectionsPerUser} sockets`,
  );
  lines.push(
    alwaysOpen
      ? "session: always open (no daily halt, no weekend)"
      : "session: CME hours: nothing trades 16:00-17:00 CT and at the weekend (--always-open: any hour)",
  );
  lines.push("Ctrl+C stops the simulator.");
  return `${lines.join("\n")}\n`;
}

/** `mimik sim`; `waitForStop` is injectable so tests can stop it without signals. */
export function createSimCommand(waitForStop: () => Promise<unknown> = untilSignal): Command {
  return {
    name: "sim",
    summary: "run the broker simulator (Tradovate and ProjectX) on 127.0.0.1",
    outputOptional: true,
    help: `Usage
  mimik sim [--port N] [--scenario FILE] [--seed N] [--always-open]

Runs a local server that speaks Tradovate's REST and WebSocket protocol (auth,
account and order endpoints, user/syncrequest, props events, market data) and
ProjectX's REST API and SignalR hubs (/api, /hubs) over one book, so mimik and
its tests can trade without reaching either broker. Its first line is
"listening on http://127.0.0.1:PORT"; then the scenario's users (simulated
logins, not secrets) and accounts. Runs until Ctrl+C or SIGTERM.

Faults and prices are driven through the control API under /sim/... (see the
README).

Options
  --port N          port to listen on (default 0: a free port)
  --scenario FILE   users, accounts, balances and products as JSON
                    (default: data/scenarios/default.json)
  --seed N          seed for the price walk and frame shapes (default 1)
  --always-open     keep no session: no daily halt (16:00-17:00 CT) and no
                    weekend, so prices walk and orders fill at any hour
                    (by default the market stands still then, as CME's does)

Examples
  mimik sim
  mimik sim --always-open       # try mimik on a Saturday
  mimik sim --port 8787 --scenario ./my-scenario.json`,
    async run(ctx: CommandContext): Promise<number> {
      const { flags } = parseFlags(
        ctx,
        {
          port: { type: "number" },
          scenario: { type: "string" },
          seed: { type: "number" },
          alwaysOpen: { type: "boolean" },
        },
        { command: "sim" },
      );
      const { loadScenario, ScenarioError, simEndpoints, startSimulator } = await import(
        "../../../engine/index.js"
      );
      const port = flags.port ?? 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UserError("mimik sim: --port must be a whole number from 0 to 65535", 2);
      }
      if (flags.seed !== undefined && !Number.isInteger(flags.seed)) {
        throw new UserError("mimik sim: --seed must be a whole number", 2);
      }
      let scenario: Scenario | undefined;
      if (flags.scenario !== undefined) {
        try {
          scenario = loadScenario(flags.scenario);
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          ctx.stderr.write(`${error.message}\n`);
          return 1;
        }
      }
      let sim: Awaited<ReturnType<typeof startSimulator>>;
      try {
        sim = await startSimulator({
          port,
          ...(scenario ? { scenario } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          ...(flags.alwaysOpen === true ? { alwaysOpen: true } : {}),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === "EADDRINUSE"
            ? `port ${port} is already in use (try another --port, or 0)`
            : (error as Error).message;
        ctx.stderr.write(`mimik sim: cannot listen: ${why}\n`);
        return 1;
      }
      ctx.stdout.write(`listening on ${sim.url}\n`);
      ctx.stdout.write(describe(sim.url, sim.scenario, simEndpoints, flags.alwaysOpen === true));
      await waitForStop();
      await sim.close();
      return 0;
    },
  };
}

export const simCommand: Command = createSimCommand();
