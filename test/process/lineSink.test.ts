import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { lineSink } from "../../src/headless/lineSink.js";

/** A stdout whose reader is slow: it takes nothing until `drain()` is called. */
function slowReader() {
  const taken: string[] = [];
  let release: (() => void) | undefined;
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk, _enc, done) {
      taken.push(String(chunk));
      release = done;
    },
  });
  return {
    stream,
    taken,
    drain() {
      while (release) {
        const r = release;
        release = undefined;
        r();
      }
    },
  };
}

describe("headless output", () => {
  it("skips and counts lines a reader has not taken beyond the bound, then says how many", async () => {
    const r = slowReader();
    const out = lineSink(r.stream, { maxBuffered: 100 });
    for (let i = 0; i < 50; i++) out.write(`line ${i} ${"x".repeat(20)}`);
    expect(out.skipped).toBeGreaterThan(40);
    expect(r.stream.writableLength).toBeLessThan(200);
    const skipped = out.skipped;
    for (let i = 0; i < 100 && !r.taken.some((t) => t.includes("skipped")); i++) {
      r.drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(r.taken.join("")).toContain(`(${skipped} lines skipped while the output was not being read)`);
  });

  it("a reader that went away ends output quietly; another error is told once", () => {
    const gone = new Writable({
      write(_c, _e, done) {
        done(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const told: string[] = [];
    const out = lineSink(gone, { onError: (e) => told.push(String(e.code)) });
    out.write("a");
    out.write("b");
    const full = new Writable({
      write(_c, _e, done) {
        done(Object.assign(new Error("write ENOSPC"), { code: "ENOSPC" }));
      },
    });
    const out2 = lineSink(full, { onError: (e) => told.push(String(e.code)) });
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        out2.write("a");
        out2.write("b");
        setImmediate(() => {
          expect(out.closed).toBe(true);
          expect(told).toEqual(["ENOSPC"]);
          resolve();
        });
      }),
    ).then(() => {
      out2.write("c");
      expect(told).toEqual(["ENOSPC"]);
    });
  });

  it("writes the lines of one turn of the event loop in one write, in order", async () => {
    const writes: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        writes.push(String(chunk));
        done();
      },
    });
    const out = lineSink(stream);
    for (let i = 0; i < 60; i++) out.write(`line ${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    out.write("next turn");
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([Array.from({ length: 60 }, (_, i) => `line ${i}\n`).join(""), "next turn\n"]);
  });

  it("tells the count before the lines that came after the skipped ones", async () => {
    const r = slowReader();
    const out = lineSink(r.stream, { maxBuffered: 100 });
    for (let i = 0; i < 10; i++) out.write(`early ${i} ${"x".repeat(20)}`);
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 100 && !r.taken.some((t) => t.includes("skipped")); i++) {
      r.drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    out.write("late");
    for (let i = 0; i < 10; i++) {
      r.drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const text = r.taken.join("");
    expect(text.indexOf("lines skipped")).toBeGreaterThan(text.indexOf("early 0"));
    expect(text.indexOf("late")).toBeGreaterThan(text.indexOf("lines skipped"));
  });
});
