/**
 * `tdl mcp`: the loop's commands as MCP tools on stdio (the official SDK's low-level server, so that
 * the tools' JSON Schemas are the ones generated from our zod schemas, and our zod checks the input).
 *
 * Every result passes the run's redaction and the size bound; every error is a tool error with the
 * one-line message and hint the CLI prints, never a stack. stdout is the protocol: nothing else may
 * write there, so human lines go to stderr. When the client goes away (stdin ends, SIGTERM, SIGINT)
 * the runs in progress are interrupted as Ctrl-C does and finish writing their record and worklog
 * before the process exits.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { EXIT, errorMessage, exitMeaning, TdlError, UsageError } from '../core/errors.js';
import { isRunId } from '../core/ids.js';
import { TOOL_VERSION } from '../core/version.js';
import { Redactor } from '../telemetry/redact.js';
import { bytesOf, clipDeep, MAX_STRUCTURED_BYTES } from './bound.js';
import { progressReporter } from './progress.js';
import { boundedWorklog, MAX_RESOURCE_BYTES, oversized } from './resources.js';
import { jsonSchemaOf } from './schemas.js';
import { TOOLS, type Tool, type ToolContext } from './tools.js';
import { recordUri } from './views.js';

export interface McpOptions {
  playbook?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const LATEST_WORKLOG = 'tdl://worklog/latest';

const RECORD_URI = /^tdl:\/\/runs\/([^/]+)\/record$/;

/** `only[0]`, `files`, `(input)`: where in the input an issue is. */
function fieldOf(path: readonly PropertyKey[]): string {
  if (!path.length) return '(input)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** A usage error naming each field that is wrong (exit 2, as a CLI flag would be). */
function inputError(tool: Tool, error: z.ZodError): TdlError {
  const known = tool.input instanceof z.ZodObject ? Object.keys(tool.input.shape) : [];
  const lines = error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `${issue.keys.join(', ')}: not an input of ${tool.name}; its inputs are ${known.join(', ') || '(none)'}`
      : `${fieldOf(issue.path)}: ${issue.message}`,
  );
  return new UsageError(
    'EINPUT',
    `${tool.name}: ${lines.join('; ')}`,
    `the inputs and their types are in the tool's inputSchema (tools/list)`,
  );
}

// The CLI's hints name its flags; a tool's caller sets inputs instead (`--wait` is the input `wait`).
const FLAG_INPUTS: readonly [RegExp, string][] = [[/--wait\b/g, '`wait: true`']];
const toolHint = (hint: string) => FLAG_INPUTS.reduce((h, [flag, input]) => h.replace(flag, input), hint);

/** A tool error: the CLI's `tdl: message` and `hint:` lines, and what the exit code means. */
function errorResult(error: unknown, redactor: Redactor): CallToolResult {
  let lines: string[];
  if (error instanceof TdlError) {
    lines = [`tdl: ${error.message}`];
    if (error.hint) lines.push(`hint: ${toolHint(error.hint)}`);
    lines.push(`exit ${error.exitCode}: ${exitMeaning(error.exitCode)}`);
  } else {
    // Our bug: the stack goes to the server's log (stderr), the client gets one line.
    process.stderr.write(
      `tdl mcp: internal error: ${redactor.redact(String((error as Error)?.stack ?? error))}\n`,
    );
    lines = [
      `tdl: internal error: ${errorMessage(error)}`,
      'hint: this is a bug in tdl; please report it with the stack in the server log',
      `exit ${EXIT.infrastructure}: ${exitMeaning(EXIT.infrastructure)}`,
    ];
  }
  return { isError: true, content: [{ type: 'text', text: redactor.redact(lines.join('\n')) }] };
}

/** The structured result, redacted and bounded, with its JSON as the text content. */
function okResult(result: Record<string, unknown>, redactor: Redactor): CallToolResult {
  let structured = redactor.redactDeep(result);
  // The tools page and cut their own lists; this is the last guard for a result that still passes.
  for (const cut of [2_000, 300])
    if (bytesOf(structured) > MAX_STRUCTURED_BYTES) structured = clipDeep(structured, cut);
  return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
}

export async function startMcpServer(o: McpOptions = {}): Promise<void> {
  const cwd = o.cwd ?? process.cwd();
  const env = o.env ?? process.env;
  const server = new Server(
    { name: 'tdl', title: 'tdl: the test-deploy loop', version: TOOL_VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'tdl runs the test-deploy loop. Call `run` (with a progress token for a long run), read `failures` and `explain` when it defers (exit 1), fix, and call `run` again; `resume` continues a cancelled run. Every result carries runId, exitCode and exitMeaning.',
    },
  );
  const byName = new Map(TOOLS.map((t) => [t.name, t]));
  const listed = TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchemaOf(t.input, 'input') as { type: 'object' },
    outputSchema: jsonSchemaOf(t.output, 'output') as { type: 'object' },
    annotations: { readOnlyHint: t.readOnly, openWorldHint: !t.readOnly },
  }));
  // Calls in flight: aborted when the client goes away, awaited before the process ends.
  const inFlight = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  // The call running each run id: a `resume` right after a cancel waits for that run to be written
  // and its lock released (the cancelled call's response is dropped, but its run is still ending).
  const runs = new Map<string, Promise<void>>();
  const baseRedactor = new Redactor();

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = byName.get(request.params.name);
    if (!tool)
      return errorResult(
        new UsageError(
          'ETOOL',
          `no tool "${request.params.name}"; the tools are ${[...byName.keys()].join(', ')}`,
        ),
        baseRedactor,
      );
    const parsed = tool.input.safeParse(request.params.arguments ?? {});
    if (!parsed.success) return errorResult(inputError(tool, parsed.error), baseRedactor);
    const token = extra._meta?.progressToken;
    const controller = new AbortController();
    const signal = AbortSignal.any([extra.signal, controller.signal]);
    let settle = () => {};
    const finished = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const ctx: ToolContext = {
      cwd,
      playbook: o.playbook,
      env,
      signal,
      progress: progressReporter(
        ({ progress, message }) => {
          if (token === undefined) return;
          void extra
            .sendNotification({
              method: 'notifications/progress',
              params: { progressToken: token, progress, message: baseRedactor.redact(message) },
            })
            .catch(() => {});
        },
        (runId) => runs.set(runId, finished),
      ),
      settled: async (runId) => {
        await runs.get(runId);
      },
    };
    const done = tool.call(parsed.data, ctx);
    const entry = { controller, done: done.catch(() => {}) };
    inFlight.add(entry);
    try {
      const { result, redactor } = await done;
      return okResult(result, redactor);
    } catch (error) {
      return errorResult(error, baseRedactor);
    } finally {
      settle();
      for (const [runId, p] of runs) if (p === finished) runs.delete(runId);
      inFlight.delete(entry);
    }
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: 'tdl://runs/{runId}/record',
        name: 'run-record',
        title: 'Run record',
        description:
          'The whole run record of a run id, as `tdl run --json` prints it (JSON Schema: `tdl schema --run-record`).',
        mimeType: 'application/json',
      },
    ],
  }));

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const resources: { uri: string; name: string; title?: string; mimeType: string }[] = [];
    const latest = await latestWorklog(cwd, o.playbook).catch(() => null);
    if (latest)
      resources.push({
        uri: LATEST_WORKLOG,
        name: 'latest-worklog',
        title: `Worklog of ${latest.runId}`,
        mimeType: 'text/markdown',
      });
    for (const runId of await recentRunIds(cwd, env))
      resources.push({
        uri: recordUri(runId),
        name: `record-${runId}`,
        title: `Run record ${runId}`,
        mimeType: 'application/json',
      });
    return { resources };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    try {
      if (uri === LATEST_WORKLOG) {
        const latest = await latestWorklog(cwd, o.playbook);
        if (!latest)
          throw new UsageError(
            'ENOWORKLOG',
            'no worklog yet for this playbook',
            'start a run with the `run` tool',
          );
        return {
          contents: [{ uri, mimeType: 'text/markdown', text: boundedWorklog(latest.file, latest.redactor) }],
        };
      }
      const m = RECORD_URI.exec(uri);
      if (m) {
        const [{ openRun }, { stateDirFor, pathsFor }] = await Promise.all([
          import('../worklog/run-folder.js'),
          import('../core/paths.js'),
        ]);
        const stateDir = stateDirFor(cwd, env);
        const tooLarge = isRunId(m[1]!) ? oversized(pathsFor(stateDir, m[1]!).recordFile) : null;
        if (tooLarge !== null)
          return {
            contents: [
              {
                uri,
                mimeType: 'application/json',
                text: JSON.stringify({
                  runId: m[1],
                  truncated: true,
                  bytes: tooLarge,
                  bound: MAX_RESOURCE_BYTES,
                  hint: 'the record is too large to send whole; the status, results and failures tools read it page by page',
                }),
              },
            ],
          };
        const record = openRun(m[1]!, stateDir);
        const redactor = Redactor.fromEnv(record.redactEnv ?? [], env);
        return {
          contents: [
            { uri, mimeType: 'application/json', text: redactor.redact(JSON.stringify(record, null, 2)) },
          ],
        };
      }
      throw new UsageError(
        'ERESOURCE',
        `no resource ${uri}; the resources are ${LATEST_WORKLOG} and tdl://runs/{runId}/record`,
      );
    } catch (error) {
      if (error instanceof TdlError)
        throw new McpError(
          ErrorCode.InvalidParams,
          `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`,
        );
      throw new McpError(ErrorCode.InternalError, `internal error: ${errorMessage(error)}`);
    }
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void (async () => {
      for (const c of inFlight) c.controller.abort();
      await Promise.all([...inFlight].map((c) => c.done));
      await server.close().catch(() => {});
      process.exit(0);
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.stdin.on('end', shutdown);
  await server.connect(new StdioServerTransport());
}

/** The newest worklog of the playbook (its markdown file), or null when it has none. */
async function latestWorklog(cwd: string, playbookFlag: string | undefined) {
  const { loadPlaybook, locatePlaybook } = await import('../playbook/load.js');
  const { readHistory } = await import('../worklog/history.js');
  const playbook = loadPlaybook(locatePlaybook(playbookFlag, cwd));
  const newest = readHistory(playbook.worklogDir, playbook.name, undefined, 1)[0];
  if (!newest?.record.worklog) return null;
  return {
    runId: newest.record.runId,
    file: newest.record.worklog.markdown,
    redactor: Redactor.fromEnv(playbook.redact.env),
  };
}

async function recentRunIds(cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { readdirSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { stateDirFor } = await import('../core/paths.js');
  const runs = join(stateDirFor(cwd, env), 'runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs)
    .filter((id) => existsSync(join(runs, id, 'record.json')))
    .sort()
    .reverse()
    .slice(0, 20);
}
