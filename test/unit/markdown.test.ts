import { describe, expect, it } from 'vitest';
import { cell, excerpt, fence, table } from '../../src/worklog/markdown.js';

describe('markdown helpers', () => {
  it('fences with more backticks than any run inside', () => {
    expect(fence('a ``` b')).toBe('````\na ``` b\n````');
    expect(fence('plain', 'text')).toBe('```text\nplain\n```');
  });
  it('keeps table cells on one line with pipes escaped', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
    expect(cell(null)).toBe('–');
    expect(table(['A'], [[1]])).toBe('| A |\n|---|\n| 1 |');
  });
  it('bounds excerpts by lines and characters', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    expect(excerpt(text, 3).split('\n')).toEqual(['line 97', 'line 98', 'line 99']);
    expect(excerpt('x'.repeat(10_000), 40, 100)).toHaveLength(100);
  });
});
