/**
 * A value made when first asked for, then kept. For zod schemas a start has no use for: zod builds
 * every schema object a module describes as the module loads, some 0.1 ms each on the machines
 * here, and the console's first frame waits for every module it imports.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
