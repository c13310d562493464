import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boundedWorklog, MAX_RESOURCE_BYTES, oversized } from '../../src/mcp/resources.js';
import { Redactor } from '../../src/telemetry/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-mcp-res-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(3)}123456`;

describe('MCP resources stay within their bound', () => {
  it('sends a small worklog whole, redacted', () => {
    const file = join(dir, 'small.md');
    writeFileSync(file, `# Worklog\n\ntoken ${TOKEN}\n`);
    const text = boundedWorklog(file, new Redactor([]));
    expect(text).toBe('# Worklog\n\ntoken [REDACTED]\n');
  });

  it('cuts a long worklog at a line end within the bound, says so, and leaves no part of a secret that crosses the cut', () => {
    const file = join(dir, 'long.md');
    const line = `${'é'.repeat(40)} row\n`; // multi-byte characters: the cut must not split one
    const lineBytes = Buffer.byteLength(line);
    const before = Math.floor((MAX_RESOURCE_BYTES - 20) / lineBytes) + 1;
    // A token that starts before the cut and ends after it.
    const body = `${line.repeat(before)}secret ${TOKEN} tail\n${line.repeat(before * 2)}`;
    expect(Buffer.byteLength(line.repeat(before))).toBeLessThan(MAX_RESOURCE_BYTES);
    expect(Buffer.byteLength(line.repeat(before)) + 7 + TOKEN.length).toBeGreaterThan(MAX_RESOURCE_BYTES);
    writeFileSync(file, body);
    const text = boundedWorklog(file, new Redactor([]));
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_RESOURCE_BYTES + 200);
    expect(text).not.toContain('ghp_');
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(
      /\n… \(cut at 256 KiB of \d+ bytes: the whole worklog is long\.md in the worklog folder\)\n$/,
    );
    const kept = text.slice(0, text.lastIndexOf('\n…'));
    expect(
      kept
        .split('\n')
        .slice(0, -1)
        .every((l) => l === line.slice(0, -1)),
    ).toBe(true);
  });

  it('tells an oversized record by its size, without reading it', () => {
    const big = join(dir, 'record.json');
    writeFileSync(big, `{"x":"${'y'.repeat(MAX_RESOURCE_BYTES)}"}`);
    expect(oversized(big)).toBe(MAX_RESOURCE_BYTES + 8);
    const small = join(dir, 'small.json');
    writeFileSync(small, '{}');
    expect(oversized(small)).toBeNull();
    expect(oversized(join(dir, 'absent.json'))).toBeNull();
  });
});
