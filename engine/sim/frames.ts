import type { Entity, PropsEvent } from "./entities.js";
import type { Random } from "./random.js";

/**
 * How a batch of `props` events becomes `a[...]` frames. By default one frame per batch; with a
 * seeded random source the shapes vary the way Tradovate's do (a batch split over two frames,
 * `entity` as an array, same-kind events merged), and the fault switches duplicate or reorder.
 */

export interface FrameOptions {
  /** Seeded source for varied shapes; absent = one plain frame per batch. */
  random?: Random | undefined;
  duplicate?: boolean;
  reorder?: boolean;
}

export const frame = (messages: readonly unknown[]): string => `a${JSON.stringify(messages)}`;

const isOrderCreated = (e: PropsEvent): boolean => e.d.entityType === "order" && e.d.eventType === "Created";

/** Swap neighbours, never moving anything across an order's Created (fills need their order). */
export function reorderEvents(events: readonly PropsEvent[]): PropsEvent[] {
  const out = events.slice();
  for (let i = 0; i + 1 < out.length; ) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (isOrderCreated(a) || isOrderCreated(b)) {
      i += 1;
      continue;
    }
    out[i] = b;
    out[i + 1] = a;
    i += 2;
  }
  return out;
}

/** Merge neighbours of the same entityType and eventType into one event whose entity is an array. */
function mergeSameKind(events: readonly PropsEvent[], random: Random): PropsEvent[] {
  const out: PropsEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (
      last &&
      last.d.entityType === e.d.entityType &&
      last.d.eventType === e.d.eventType &&
      random() < 0.5
    ) {
      const list: Entity[] = Array.isArray(last.d.entity) ? last.d.entity : [last.d.entity];
      const add = Array.isArray(e.d.entity) ? e.d.entity : [e.d.entity];
      out[out.length - 1] = { e: "props", d: { ...last.d, entity: [...list, ...add] } };
    } else if (!Array.isArray(e.d.entity) && random() < 0.2) {
      out.push({ e: "props", d: { ...e.d, entity: [e.d.entity] } });
    } else {
      out.push(e);
    }
  }
  return out;
}

export function shapeFrames(events: readonly PropsEvent[], opts: FrameOptions = {}): string[] {
  if (events.length === 0) return [];
  let list: PropsEvent[] = opts.reorder ? reorderEvents(events) : events.slice();
  const groups: PropsEvent[][] = [];
  if (opts.random) {
    list = mergeSameKind(list, opts.random);
    if (list.length > 1 && opts.random() < 0.2) {
      const cut = 1 + Math.floor(opts.random() * (list.length - 1));
      groups.push(list.slice(0, cut), list.slice(cut));
    } else {
      groups.push(list);
    }
  } else {
    groups.push(list);
  }
  const frames: string[] = [];
  for (const g of groups) {
    const f = frame(g);
    frames.push(f);
    if (opts.duplicate) frames.push(f);
  }
  return frames;
}
