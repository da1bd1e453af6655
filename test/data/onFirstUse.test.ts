import { describe, expect, it } from "vitest";
import { onFirstUse } from "../../data/onFirstUse.js";

describe("onFirstUse", () => {
  it("makes nothing until asked, then makes once and keeps it", () => {
    let made = 0;
    const value = onFirstUse(() => {
      made += 1;
      return { made };
    });
    expect(made).toBe(0);
    const first = value();
    expect(value()).toBe(first);
    expect(made).toBe(1);
  });

  it("keeps a value that is undefined as made, not as missing", () => {
    let made = 0;
    const value = onFirstUse(() => {
      made += 1;
      return undefined;
    });
    value();
    value();
    expect(made).toBe(1);
  });
});
