/** `tdl mcp` as an agent reaches it: the built CLI as a child process, driven by the SDK's own client. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from './helpers.js';

export interface McpSession {
  client: Client;
  /** What the server wrote on stderr (its log). */
  stderr(): string;
  /** The server's process id. */
  pid: number;
  close(): Promise<void>;
}

export async function connectTdl(
  cwd: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    cwd,
    env: { ...(process.env as Record<string, string>), CI: 'true', NO_COLOR: '1', ...env },
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const client = new Client({ name: 'tdl-tests', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => log, pid: transport.pid!, close: () => client.close() };
}

/** Calls a tool, collecting its progress notifications; no request timeout (the test's bounds it). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  opts: { progress?: Progress[]; signal?: AbortSignal } = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, {
    timeout: 600_000,
    resetTimeoutOnProgress: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.progress ? { onprogress: (p: Progress) => opts.progress!.push(p) } : {}),
  })) as CallToolResult;
}

/** The text of a tool result (its first content item). */
export const textOf = (r: CallToolResult): string => (r.content[0] as { text: string }).text;

/** The size of a whole tool result as it travels, in bytes of JSON. */
export const sizeOf = (r: CallToolResult): number => Buffer.byteLength(JSON.stringify(r), 'utf8');
