import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/build.js";
import { money, renderCsv, renderText } from "../../src/report/render.js";
import { broker, config, journal, range } from "./fixture.js";

describe("the report as a table", () => {
  it("two tables per group (copying, trading) with a totals row, then skips, rejects and locks in words", () => {
    const text = renderText(buildReport({ range, config, journal, broker }));
    expect(text.split("\n")).toEqual([
      "mimik report: trading day 2026-11-27 (from 17:00 CT the day before 2026-11-27 to 17:00 CT 2026-11-27)",
      "trades and P&L as the broker confirms them; fees: as the broker charged them",
      "",
      "group main · leader lead DEMO1000: 3 fills, 1 trade (1 won), net P&L +493.55",
      " copying         copies  filled  mirror  skips  rejects  p50 ms  p99 ms",
      " half DEMO2001        2       2       0      1        0    0.40    0.50",
      " micro DEMO2002       2       1       0      1        1    0.60    0.70",
      " DEMO2009             0       0       0      1        0       —       —",
      " all followers        4       3       0      3        1    0.50    0.70",
      " trading         trades  won    gross  fees  net P&L  slip t/ct  slip $",
      " half DEMO2001        1    1  +225.00  2.58  +222.42      +1.00  +25.00",
      " micro DEMO2002       0    0     0.00  0.50    -0.50      +4.00   +5.00",
      " DEMO2009             —    —        —     —        —          —       —",
      " all followers        —    —        —     —        —      +2.00  +30.00",
      " skips   half DEMO2001: not whitelisted 1",
      " skips   micro DEMO2002: not whitelisted 1",
      " skips   DEMO2009: follower disabled 1",
      " rejects micro DEMO2002: TradingLocked: account locked 1",
      " locked  micro DEMO2002: 1 time",
    ]);
  });

  it("without the broker: dashes, not zeros, and the reason at the end", () => {
    const text = renderText(
      buildReport({
        range,
        config,
        journal,
        broker: undefined,
        notes: ["the broker was not read (--offline)"],
      }),
    );
    expect(text).toContain("P&L and slippage need the broker's fills (not read, see below)");
    expect(text).toContain("group main · leader lead DEMO1000: 3 fills, 1 trade\n");
    expect(text).toMatch(/^ half DEMO2001 +2 +2 +0 +1 +0 +0\.40 +0\.50$/m);
    expect(text).toMatch(/^ half DEMO2001 +— +— +— +— +— +— +—$/m);
    expect(text.endsWith("note: the broker was not read (--offline)")).toBe(true);
  });

  it.each([
    [1234.5, "+1,234.50"],
    [-0.5, "-0.50"],
    [0, "0.00"],
    [undefined, "—"],
  ])("money %j → %s", (n, text) => {
    expect(money(n)).toBe(text);
  });
});

describe("the report on an 80-column terminal", () => {
  /** The fixture's day with names as long as a trader may give them, and big numbers. */
  function longNamed() {
    const report = buildReport({
      range,
      config,
      journal,
      broker,
      notes: ["the broker's fills for the login prop-firm-evaluation-account were not read: refused"],
    });
    const [group] = report.groups;
    group!.name = "evaluation accounts of the prop firm";
    group!.leader.label = "main leader on the funded account";
    group!.followers[0]!.label = "a rather long label for the half-size follower";
    group!.followers[1]!.account = "TOPSTEP-EVAL-50K-0123456789";
    group!.total.trading = { ...group!.followers[0]!.trading!, grossPnl: 123456.75, netPnl: -98765.5 };
    return report;
  }

  it("no line passes 80 columns, and every figure and word is still there", () => {
    const report = longNamed();
    const wide = renderText(report).split("\n");
    const fitted = renderText(report, 80).split("\n");
    expect(Math.max(...wide.map((l) => [...l].length))).toBeGreaterThan(80);
    for (const line of fitted) expect([...line].length, line).toBeLessThanOrEqual(80);
    const words = (ls: readonly string[]) => ls.join(" ").split(/\s+/).filter(Boolean).sort();
    expect(words(fitted)).toEqual(words(wide));
    expect(fitted.join("\n")).toContain("+123,456.75");
    expect(fitted.join("\n")).toContain("-98,765.50");
  });

  it("a name too long for the column has a line of its own, its figures under their titles", () => {
    const fitted = renderText(longNamed(), 80).split("\n");
    const name = fitted.indexOf(" a rather long label for the half-size follower DEMO2001");
    expect(name).toBeGreaterThan(0);
    const head = fitted.find((l) => l.startsWith(" copying"))!;
    const figures = fitted[name + 1]!;
    expect(figures).toMatch(/^ +2 +2 +0 +1 +0 +0\.40 +0\.50$/);
    // Right-aligned under their titles: the row ends where the header does.
    expect(figures.length).toBe(head.length);
    // A name that fits keeps its figures on its own line.
    expect(fitted.find((l) => l.startsWith(" all followers"))).toMatch(/ 4 +3 +0 +3 +1 +0\.50 +0\.70$/);
  });

  it("piped (no width), one line per thing, as mimik status and mimik log keep it", () => {
    const wide = renderText(longNamed()).split("\n");
    expect(wide).toContain(
      " skips   a rather long label for the half-size follower DEMO2001: not whitelisted 1",
    );
    expect(
      wide.some((l) => /^ a rather long label for the half-size follower DEMO2001 +2 +2 +0 +1 +0/.test(l)),
    ).toBe(true);
  });
});

describe("the report as CSV", () => {
  it("one row per account: the leader, each follower, the followers' total; unknown is empty", () => {
    const lines = renderCsv(buildReport({ range, config, journal, broker })).split("\n");
    expect(lines[0]).toBe(
      "from,to,group,role,account,label,copies,filled,skipped,skip_reasons,rejected,reject_reasons,latency_p50_ms,latency_p99_ms,locks,fills,trades,wins,losses,gross_pnl,fees,net_pnl,slip_fills,slip_contracts,slip_ticks_per_contract,slip_dollars_per_contract,slip_dollars,mirrored",
    );
    expect(lines.slice(1)).toEqual([
      "2026-11-27,2026-11-27,main,leader,DEMO1000,lead,,,,,,,,,,3,1,1,0,500,6.45,493.55,,,,,,",
      "2026-11-27,2026-11-27,main,follower,DEMO2001,half,2,2,1,not whitelisted=1,0,,0.4,0.5,0,2,1,1,0,225,2.58,222.42,2,2,1,12.5,25,0",
      "2026-11-27,2026-11-27,main,follower,DEMO2002,micro,2,1,1,not whitelisted=1,1,TradingLocked: account locked=1,0.6,0.7,1,1,0,0,0,0,0.5,-0.5,1,1,4,5,5,0",
      "2026-11-27,2026-11-27,main,follower,DEMO2009,,0,0,1,follower disabled=1,0,,,,0,,,,,,,,,,,,,0",
      "2026-11-27,2026-11-27,main,followers total,,,4,3,3,not whitelisted=2; follower disabled=1,1,TradingLocked: account locked=1,0.5,0.7,1,,,,,,,,3,3,2,10,30,0",
    ]);
  });

  it("quotes a cell with a comma or a quote in it", () => {
    const report = buildReport({ range, config, journal, broker });
    report.groups[0]!.name = 'a "b", c';
    expect(renderCsv(report).split("\n")[1]).toMatch(/^2026-11-27,2026-11-27,"a ""b"", c",leader,/);
  });

  it("a text cell a spreadsheet would run as a formula is kept as text; numbers stay numbers", () => {
    const report = buildReport({ range, config, journal, broker });
    const [group] = report.groups;
    group!.name = "=1+2";
    group!.leader.label = '=HYPERLINK("x")';
    group!.followers[0]!.label = "+up";
    group!.followers[1]!.label = "-down";
    group!.followers[2]!.label = "@sum";
    group!.followers[0]!.copy.skips = { "\t=cmd": 1 };
    const lines = renderCsv(report).split("\n");
    expect(lines[1]).toMatch(/^2026-11-27,2026-11-27,'=1\+2,leader,DEMO1000,"'=HYPERLINK\(""x""\)",/);
    expect(lines[2]).toMatch(/,DEMO2001,'\+up,2,2,1,'\t=cmd=1,/);
    // A negative number is a number, not a formula.
    expect(lines[3]).toMatch(/,DEMO2002,'-down,.*,0,0\.5,-0\.5,/);
    expect(lines[4]).toMatch(/,DEMO2009,'@sum,/);
  });
});
