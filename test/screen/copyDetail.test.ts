import { describe, expect, it } from "vitest";
import { type CopyResult, copyDetail } from "../../src/screen/copyDetail.js";

const order = { side: "Sell", qty: 4, contract: "MNQZ6" } as const;

describe("what the fills pane says of one follower's copy", () => {
  it.each<[string, CopyResult, ReturnType<typeof copyDetail>]>([
    [
      "a plain copy, filled: the order",
      { outcome: "filled", reason: "copied", ...order },
      { outcome: "filled", reason: "SELL 4 MNQZ6" },
    ],
    ["sent", { outcome: "sent", reason: "copied", ...order }, { outcome: "sent", reason: "SELL 4 MNQZ6" }],
    [
      "a reason that only names the outcome",
      { outcome: "accepted", reason: "accepted", ...order },
      { outcome: "accepted", reason: "SELL 4 MNQZ6" },
    ],
    [
      "a re-sync's correction",
      { outcome: "filled", reason: "reconcile", ...order },
      { outcome: "filled", reason: "SELL 4 MNQZ6" },
    ],
    [
      "capped: the order, then why",
      { outcome: "filled", reason: "copied, capped by max contracts", ...order },
      { outcome: "filled", reason: "SELL 4 MNQZ6: copied, capped by max contracts", noted: true },
    ],
    [
      "a flip's close only",
      { outcome: "filled", reason: "copied close only, opening held back: outside trading hours", ...order },
      {
        outcome: "filled",
        reason: "SELL 4 MNQZ6: copied close only, opening held back: outside trading hours",
        noted: true,
      },
    ],
    [
      "a skip: its reason",
      { outcome: "skipped", reason: "not whitelisted" },
      { outcome: "skipped", reason: "not whitelisted" },
    ],
    [
      "answered by its own mirrored order",
      { outcome: "skipped", reason: "its own mirrored order answers it" },
      { outcome: "mirrored", reason: "its own mirrored order answers it" },
    ],
    [
      "a rejection: the broker's words",
      { outcome: "rejected", reason: "broker refused: margin", ...order },
      { outcome: "rejected", reason: "broker refused: margin" },
    ],
    [
      "a shadow: what it would have sent",
      { outcome: "shadow", reason: "copied", ...order },
      { outcome: "shadow", reason: "would SELL 4 MNQZ6: copied" },
    ],
    [
      "no size known: the reason as it is",
      { outcome: "filled", reason: "filled" },
      { outcome: "filled", reason: "filled" },
    ],
  ])("%s", (_name, result, expected) => {
    expect(copyDetail(result)).toEqual(expected);
  });
});
