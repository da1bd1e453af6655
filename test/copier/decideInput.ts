import type { DecideInput } from "../../engine/copier/decide.js";
import type { GateContext } from "../../engine/copier/gates.js";

/** A gate that lets everything through: the group on, the follower on and connected, ACTIVE, ESZ6. */
export function openGate(patch: Partial<GateContext> = {}): GateContext {
  return {
    groupActive: true,
    followerEnabled: true,
    connected: true,
    state: "ACTIVE",
    brokerLocked: false,
    whitelist: { enabled: false, symbols: [] },
    leaderContract: "ESZ6",
    ...patch,
  };
}

/** The copy rule's input for the rule tables: ×1, a flat follower, an opening order's first fill. */
export function decideInput(
  patch: Partial<DecideInput> & Pick<DecideInput, "leaderBefore" | "leaderAfter">,
): DecideInput {
  return {
    gate: openGate(),
    sizing: { mode: "multiplier", value: 1 },
    follower: 0,
    firstOpeningFillOfOrder: true,
    ...patch,
  };
}
