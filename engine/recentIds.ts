/**
 * The most recent `limit` ids (broker ids: fills, orders), oldest forgotten first.
 *
 * Kept unboxed in two typed arrays rather than a Set<number>: broker ids are above 2^31, so a Set
 * boxes every one of them as a heap number beside its own slot, and these sets hold up to 100 000
 * fill ids per session. Here an id costs 8 bytes in the hash table (at most 70% full) and 8 in
 * the ring that remembers the order they came in (none without a limit); both start small and
 * grow to what is held.
 */
export class RecentIds {
  /** Open addressing with linear probing; NaN marks an empty slot (an id is never NaN). */
  private slots = emptySlots(16);
  private shift = 32 - 4;
  /** Ids oldest first, circular from `head`. */
  private ring = new Float64Array(8);
  private head = 0;
  private count = 0;

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`RecentIds needs a limit of at least 1 (got ${limit})`);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return !Number.isNaN(id) && this.slots[this.find(id)] === id;
  }

  /** Remembers `id` (a repeat changes nothing, not even its age); forgets the oldest beyond the limit. */
  add(id: number): void {
    if (Number.isNaN(id)) throw new Error("RecentIds cannot hold NaN");
    if (this.has(id)) return;
    if (this.count === this.limit) {
      this.remove(this.ring[this.head] as number);
      this.head = (this.head + 1) % this.ring.length;
      this.count--;
    }
    if ((this.count + 1) * 10 > this.slots.length * 7) this.rehash(this.slots.length * 2);
    this.slots[this.find(id)] = id;
    // Without a limit nothing is ever forgotten, so the order they came in is not kept.
    if (this.limit !== Number.POSITIVE_INFINITY) {
      if (this.count === this.ring.length) this.growRing();
      this.ring[(this.head + this.count) % this.ring.length] = id;
    }
    this.count++;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  private find(id: number): number {
    const mask = this.slots.length - 1;
    let i = this.home(id);
    for (;;) {
      const v = this.slots[i] as number;
      if (v === id || Number.isNaN(v)) return i;
      i = (i + 1) & mask;
    }
  }

  private home(id: number): number {
    // Low and high 32 bits mixed, then Fibonacci hashing: sequential ids spread evenly.
    const mixed = (id >>> 0) ^ Math.imul((id / 4294967296) | 0, 0x27d4eb2d);
    return Math.imul(mixed, 0x9e3779b1) >>> this.shift;
  }

  /** Empties the slot of `id` and moves back what probed past it (no tombstones to pile up). */
  private remove(id: number): void {
    const mask = this.slots.length - 1;
    let hole = this.find(id);
    if (this.slots[hole] !== id) return;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const v = this.slots[j] as number;
      if (Number.isNaN(v)) break;
      const k = this.home(v);
      // The entry at j stays if its home lies cyclically in (hole, j]: moving it would hide it.
      const stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
      if (stays) continue;
      this.slots[hole] = v;
      hole = j;
    }
    this.slots[hole] = Number.NaN;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = emptySlots(capacity);
    this.shift = 32 - Math.log2(capacity);
    for (let i = 0; i < old.length; i++) {
      const v = old[i] as number;
      if (!Number.isNaN(v)) this.slots[this.find(v)] = v;
    }
  }

  private growRing(): void {
    const next = new Float64Array(Math.min(this.limit, this.ring.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) % this.ring.length] as number;
    this.ring = next;
    this.head = 0;
  }
}

function emptySlots(capacity: number): Float64Array {
  return new Float64Array(capacity).fill(Number.NaN);
}
