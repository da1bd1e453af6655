import { vi } from "vitest";

// chalk decides its colour level when it loads; force it on so this file can tell a plain
// theme that emits no colour from a terminal that simply had none.
const previous = vi.hoisted(() => {
  const before = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = "1";
  return before;
});

import { render } from "ink-testing-library";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Screen } from "../../components/Screen.js";
import { colorTheme, plainTheme, type Theme } from "../../components/theme.js";
import { hintsFor } from "../../src/screen/keymap.js";
import { layout } from "../../src/screen/layout.js";
import { screenFixture } from "./fixtures.js";
import { plainLines } from "./helpers.js";

// biome-ignore lint/complexity/useRegexLiterals: the escape reads better spelled out
const COLOR_SGR = new RegExp("\\u001b\\[(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9]+)*m");

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());
// Workers run other test files after this one: leave the environment as we found it.
afterAll(() => {
  if (previous === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previous;
});

function frame(theme: Theme): string {
  const vm = screenFixture({
    overlay: { kind: "confirm", message: "Flatten and lock 3 followers of NQ Scalps?" },
  });
  const r = render(
    <Screen
      vm={vm}
      layout={layout(80, 24)}
      hints={hintsFor("followers", { totalFollowers: 1, groupCount: 1 })}
      theme={theme}
    />,
  );
  unmount = r.unmount;
  return r.lastFrame() ?? "";
}

describe("NO_COLOR", () => {
  it("emits no colour codes with a plain theme, and the same text as with colour", () => {
    const plain = frame(plainTheme);
    expect(plain).not.toMatch(COLOR_SGR);
    unmount?.();
    const colored = frame(colorTheme);
    expect(colored).toMatch(COLOR_SGR);
    // Ink trims trailing blanks only outside styled text, so compare without them.
    const trimmed = (f: string) => plainLines(f).map((l) => l.trimEnd());
    expect(trimmed(colored)).toEqual(trimmed(plain));
    // State stays readable as words and symbols.
    for (const s of ["LOCKED", "LIQ-ONLY", "✗ REJECTED", "‖ off", "⚠ Flatten"]) expect(plain).toContain(s);
  });
});
