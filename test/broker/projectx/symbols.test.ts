import { describe, expect, it } from "vitest";
import { canonicalOf, projectxIdOf, projectxSymbols } from "../../../engine/broker/projectx/symbols.js";
import { mapContract, symbolMap } from "../../../engine/symbols.js";

const NOV_2026 = Date.UTC(2026, 10, 29);

describe("ProjectX contract ids ↔ canonical names, by root, month and year", () => {
  const px = projectxSymbols();

  it("maps ProjectX's own roots both ways and keeps the rest", () => {
    expect(projectxIdOf("ESZ6", px, NOV_2026)).toBe("CON.F.US.EP.Z26");
    expect(projectxIdOf("NQH7", px, NOV_2026)).toBe("CON.F.US.ENQ.H27");
    expect(projectxIdOf("GCG7", px, NOV_2026)).toBe("CON.F.US.GCE.G27");
    expect(projectxIdOf("MNQZ6", px, NOV_2026)).toBe("CON.F.US.MNQ.Z26");
    expect(canonicalOf("CON.F.US.EP.Z26", px)).toBe("ESZ6");
    expect(canonicalOf("CON.F.US.ENQ.H27", px)).toBe("NQH7");
    expect(canonicalOf("CON.F.US.MES.Z26", px)).toBe("MESZ6");
    expect(canonicalOf("not-an-id", px)).toBeUndefined();
    expect(projectxIdOf("ES", px, NOV_2026)).toBeUndefined();
  });

  it("a one-digit year is the decade at hand, never a contract long expired", () => {
    expect(projectxIdOf("ESH0", px, NOV_2026)).toBe("CON.F.US.EP.H30");
    expect(projectxIdOf("ESZ5", px, NOV_2026)).toBe("CON.F.US.EP.Z25");
    expect(projectxIdOf("ESZ4", px, NOV_2026)).toBe("CON.F.US.EP.Z34");
  });

  it("the micro/mini mapping happens on canonical names, then each broker names the result its way", () => {
    const micro = mapContract("NQZ6", "toMicro");
    expect(micro).toBe("MNQZ6");
    expect(projectxIdOf(micro, px, NOV_2026)).toBe("CON.F.US.MNQ.Z26");
    expect(projectxIdOf(mapContract("MESZ6", "toMini"), px, NOV_2026)).toBe("CON.F.US.EP.Z26");
  });

  it("a connection's own roots add to the table; two canonical roots can never share one", () => {
    const custom = projectxSymbols({ CL: "MCLE", YM: "YME" });
    expect(projectxIdOf("YMZ6", custom, NOV_2026)).toBe("CON.F.US.YME.Z26");
    expect(canonicalOf("CON.F.US.YME.Z26", custom)).toBe("YMZ6");
    expect(() => symbolMap({ ES: "EP", MES: "EP" })).toThrow(/both map to the broker root EP/);
  });
});
