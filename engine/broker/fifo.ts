/**
 * Keys oldest first with O(1) push and shift. (Iterating a Map or Set from the front after many
 * deletes is not O(1): V8 walks the deleted slots until the table is rebuilt.)
 */
export class FifoKeys {
  private keys: number[] = [];
  private head = 0;

  push(key: number): void {
    this.keys.push(key);
  }

  shift(): number | undefined {
    if (this.head >= this.keys.length) return undefined;
    const key = this.keys[this.head++];
    // Drop the consumed front now and then, so the array stays as small as what it holds.
    if (this.head >= 1024 && this.head * 2 >= this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}
