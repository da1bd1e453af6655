import { describe, expect, it } from "vitest";
import { entriesElsewhere } from "../../engine/mirror/accountRoom.js";
import type { Held } from "../../engine/mirror/types.js";

const held = (contract: string, side: "Buy" | "Sell", qty: number, filled = 0): Held => ({
  clOrdId: `${contract}-${side}-${qty}`,
  leaderId: 1,
  contract,
  set: "s",
  side,
  orderType: "Limit",
  qty,
  filled,
});

describe("entriesElsewhere: mirrored orders on other lines take account room before they fill", () => {
  const position = (c: string) => (c === "MNQZ6" ? 2 : 0);
  it.each([
    ["an entry on a flat line counts what it has left", [held("MESH7", "Buy", 3, 1)], 2],
    ["an add on a long line counts", [held("MNQZ6", "Buy", 2)], 2],
    ["an exit leg on a long line adds nothing", [held("MNQZ6", "Sell", 2)], 0],
    ["the line being sized is left out", [held("MESZ6", "Buy", 4)], 0],
  ])("%s", (_, orders, total) => {
    expect(entriesElsewhere(orders, "MESZ6", position)).toBe(total);
  });
});
