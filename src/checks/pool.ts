/**
 * Runs `fn` over `items` with at most `width` calls in progress: a fixed pool of
 * workers instead of one promise per item, so 65,536 names stay cheap in memory.
 * Results keep the items' order.
 */
export async function mapPool<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(items.length, width)) }, worker));
  return results;
}
