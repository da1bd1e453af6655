/**
 * The floor: the least work any copier can do on this wire, in a process of its own. It logs in
 * the leader's login and the followers' login, syncs, and on each leader fill writes one market
 * order per follower at once (in one TCP write, as mimik does), same side and size, with nothing else: no dedupe, no gates, no
 * risk, no journal, no screen. `npm run bench` runs it beside mimik on the same simulator and
 * scenario, timed by the same outside observer, and reports mimik as a ratio of it.
 *
 * argv: SIM_URL LEADER_USER LEADER_PASSWORD FOLLOWER_USER FOLLOWER_PASSWORD LEADER_ACCOUNT
 * Env: FLOOR_ENTITY_TYPES, a comma list of the entity types it syncs (the floor's own by default).
 * Prints "ready" once both logins are synced; exits when stdin closes.
 */
import { FLOOR_ENTITY_TYPES, wireLogin } from "./wire.js";

async function main(): Promise<void> {
  const [url = "", leadUser = "", leadPw = "", copyUser = "", copyPw = "", leader = ""] =
    process.argv.slice(2);
  const rest = `${url}/v1`;
  const ws = `${url.replace(/^http/, "ws")}/v1/websocket`;
  const types = process.env.FLOOR_ENTITY_TYPES?.split(",") ?? FLOOR_ENTITY_TYPES;
  const copy = await wireLogin(rest, ws, copyUser, copyPw, () => undefined, types);
  const followers = copy.accounts.filter((a) => a.name.startsWith("FOLW"));
  let seq = 0;
  const lead = await wireLogin(
    rest,
    ws,
    leadUser,
    leadPw,
    (event) => {
      if (event.entityType !== "fill" || event.eventType !== "Created") return;
      const action = event.entity.action;
      const qty = event.entity.qty;
      seq += 1;
      copy.together(() => {
        for (const f of followers)
          copy.send("order/placeorder", {
            accountSpec: f.name,
            accountId: f.id,
            action,
            symbol: contractName,
            orderQty: qty,
            orderType: "Market",
            isAutomated: true,
            clOrdId: `floor-${seq}-${f.id}`,
          });
      });
    },
    types,
  );
  // The benchmark trades one contract; its name is what placeorder takes.
  const contractName = process.env.FLOOR_SYMBOL ?? "ESZ6";
  if (!lead.accounts.some((a) => a.name === leader)) throw new Error(`leader ${leader} not visible`);
  process.stdout.write("ready\n");
  process.stdin.resume();
  process.stdin.on("end", () => {
    lead.close();
    copy.close();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`floor copier failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
