/** The only interpolation in a playbook: `{reportDir}` and `{runId}`. Other braces are left alone. */
export interface Placeholders {
  reportDir: string;
  runId: string;
}

export function expand(text: string, values: Placeholders): string {
  return text.replace(/\{(reportDir|runId)\}/g, (_m, key: keyof Placeholders) => values[key]);
}

export function expandAll(list: readonly string[], values: Placeholders): string[] {
  return list.map((t) => expand(t, values));
}

/** What a chunk of a split suite fills in (issue 20): its files, or the runner's shard (1-based). */
export interface ChunkPlaceholders {
  files?: readonly string[];
  runner?: { index: number; count: number };
}

/**
 * A split suite's command for one chunk: an argument that is exactly `{files}` becomes the chunk's
 * files, one argument each (inside a longer argument they are joined by spaces, for `shell: true`);
 * `{shardIndex}` and `{shardCount}` are the runner shard. Without a split the command is unchanged.
 */
export function expandChunk(list: readonly string[], chunk: ChunkPlaceholders): string[] {
  const out: string[] = [];
  for (const arg of list) {
    if (chunk.files && arg === '{files}') {
      out.push(...chunk.files);
      continue;
    }
    let text = arg;
    if (chunk.files) text = text.replaceAll('{files}', chunk.files.join(' '));
    if (chunk.runner)
      text = text
        .replaceAll('{shardIndex}', String(chunk.runner.index))
        .replaceAll('{shardCount}', String(chunk.runner.count));
    out.push(text);
  }
  return out;
}
