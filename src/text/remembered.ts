/**
 * `compute`, remembered by its argument. Past `bound` answers the memory starts again: what a
 * screen asks for comes back frame after frame, and a console runs for days.
 */
export function remembered<K, V>(compute: (key: K) => V, bound: number): (key: K) => V {
  const answers = new Map<K, V>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as V;
    const answer = compute(key);
    if (answers.size >= bound) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
