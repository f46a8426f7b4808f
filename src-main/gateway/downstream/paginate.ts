/** Guards against a server that hands out cursors forever. */
const MAX_PAGES = 1000;

/**
 * Follows `nextCursor` until the server stops returning one, so callers always see the whole
 * list. A repeated cursor means the server would loop: that is an error, not an endless list.
 */
export async function collectPages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(cursor);
    items.push(...result.items);
    if (result.nextCursor === undefined) return items;
    if (seen.has(result.nextCursor)) throw new Error(`the server repeated pagination cursor '${result.nextCursor.slice(0, 64)}'`);
    seen.add(result.nextCursor);
    cursor = result.nextCursor;
  }
  throw new Error(`the server returned more than ${MAX_PAGES} pages`);
}
