import { describe, expect, it } from 'vitest';
import { collectPages } from './paginate.js';

describe('collectPages', () => {
  it('follows nextCursor to the end', async () => {
    const pages: Record<string, { items: number[]; nextCursor?: string }> = { '': { items: [1, 2], nextCursor: 'a' }, a: { items: [3], nextCursor: 'b' }, b: { items: [4] } };
    const asked: (string | undefined)[] = [];
    const items = await collectPages(async (cursor) => {
      asked.push(cursor);
      const page = pages[cursor ?? ''];
      if (!page) throw new Error('no page');
      return page;
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'a', 'b']);
  });

  it('a server that repeats a cursor is an error, not an endless loop', async () => {
    await expect(collectPages(async (cursor) => ({ items: [1], nextCursor: cursor === 'x' ? 'y' : 'x' }))).rejects.toThrow("the server repeated pagination cursor 'x'");
  });
});
