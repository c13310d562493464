import { describe, expect, it } from 'vitest';
import { bytesOf, clip, clipDeep, pageWithin } from '../../src/mcp/bound.js';
import type { Page } from '../../src/mcp/schemas.js';

const items = (n: number, size: number) =>
  Array.from({ length: n }, (_, i) => ({ i, text: 'x'.repeat(size) }));
const build = <T>(slice: T[], page: Page) => ({ items: slice, page });

describe('clip', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['a longer text', 4, 'a lo… (9 more characters)'],
  ])('clip(%j, %i) is %j', (text, max, want) => expect(clip(text, max)).toBe(want));

  it('cuts every string inside a value and leaves the rest alone', () => {
    expect(clipDeep({ a: 'abcdef', b: [1, 'xyzxyz'], c: null, d: true }, 3)).toEqual({
      a: 'abc… (3 more characters)',
      b: [1, 'xyz… (3 more characters)'],
      c: null,
      d: true,
    });
  });
});

describe('pageWithin', () => {
  it.each([
    // items, item size, offset, limit, bound → count, nextOffset
    [10, 10, 0, 5, 10_000, 5, 5],
    [10, 10, 5, 5, 10_000, 5, null],
    [10, 10, 8, 5, 10_000, 2, null],
    [10, 10, 20, 5, 10_000, 0, null],
    [100, 1_000, 0, 100, 10_000, 9, 9],
    [100, 1_000, 95, 100, 10_000, 5, null],
  ])(
    '%i items of %i chars from %i, limit %i, bound %i: %i items, next %s',
    (n, size, offset, limit, bound, count, next) => {
      const r = pageWithin(items(n, size), offset, limit, build, bound);
      expect(r.page).toEqual({ offset: Math.min(offset, n), count, total: n, nextOffset: next });
      expect(r.items).toHaveLength(count);
      expect(bytesOf(r)).toBeLessThanOrEqual(bound);
    },
  );

  it('takes the most items that fit', () => {
    const r = pageWithin(items(100, 1_000), 0, 100, build, 10_000);
    expect(bytesOf(r)).toBeLessThanOrEqual(10_000);
    const oneMore = build(items(100, 1_000).slice(0, r.page.count + 1), r.page);
    expect(bytesOf(oneMore)).toBeGreaterThan(10_000);
  });

  it('keeps one item when even one is too big, cutting its strings, so paging moves on', () => {
    const r = pageWithin(items(3, 50_000), 1, 10, build, 10_000);
    expect(r.page).toEqual({ offset: 1, count: 1, total: 3, nextOffset: 2 });
    expect(bytesOf(r)).toBeLessThanOrEqual(10_000);
    expect(r.items[0]!.text).toMatch(/more characters\)$/);
  });
});
