/**
 * Which seeds a seeded suite runs: `<PREFIX>_SEED=N` (that one, to replay a failure),
 * `<PREFIX>_SEEDS=N` (the fixed ones, then random ones up to N in all), else the fixed set CI runs.
 */
export function seedsFromEnv(env: NodeJS.ProcessEnv, prefix: string, fixed: readonly number[]): number[] {
  const one = env[`${prefix}_SEED`];
  if (one !== undefined) {
    const seed = Number(one);
    if (!Number.isInteger(seed)) throw new Error(`${prefix}_SEED must be an integer (got "${one}")`);
    return [seed];
  }
  const many = env[`${prefix}_SEEDS`];
  if (many !== undefined) {
    const count = Number(many);
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`${prefix}_SEEDS must be a positive integer (got "${many}")`);
    if (count <= fixed.length) return fixed.slice(0, count);
    const base = Date.now() % 1_000_000;
    return [...fixed, ...Array.from({ length: count - fixed.length }, (_, i) => base * 100 + i)];
  }
  return [...fixed];
}
