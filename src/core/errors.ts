/**
 * Errors the user can act on carry a code, a one-line message and a hint; the CLI maps them to exit
 * codes in one place (src/cli/cli.ts). Anything else is our bug and is shown with its stack.
 */

export const EXIT = {
  ok: 0,
  defer: 1,
  usage: 2,
  infrastructure: 3,
  interrupted: 130,
} as const;

/** What each exit code means to a caller (the table in docs/agents.md, for tools that report codes). */
export const EXIT_MEANING: Record<number, string> = {
  [EXIT.ok]: 'proceed / all green',
  [EXIT.defer]: 'defer: tests failed, a gate failed, or a result is unknown',
  [EXIT.usage]: 'usage or playbook error: fix the call or the playbook, do not retry as is',
  [EXIT.infrastructure]: 'infrastructure: Cloud Run or GitHub unreachable, a deploy failed, or a bug in tdl',
  [EXIT.interrupted]: 'interrupted: the run was stopped; `resume` continues it',
};

export function exitMeaning(code: number): string {
  return EXIT_MEANING[code] ?? `exit code ${code}`;
}

export class TdlError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { exitCode: number; hint?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
  }
}

/** A mistake in how tdl was called or configured: exit 2. */
export class UsageError extends TdlError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, { exitCode: EXIT.usage, ...(hint ? { hint } : {}) });
  }
}

/** One problem in a playbook, located. */
export interface PlaybookProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** Problems listed one per line; past this many, one line says how many more there are. */
const MAX_PROBLEMS_SHOWN = 50;

/** All problems of a playbook at once, one line each: `file:line:col: key.path: expected ...`. */
export class PlaybookError extends UsageError {
  readonly problems: PlaybookProblem[];
  constructor(problems: PlaybookProblem[]) {
    super(
      'EPLAYBOOK',
      [
        ...problems
          .slice(0, MAX_PROBLEMS_SHOWN)
          .map((p) => `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`),
        ...(problems.length > MAX_PROBLEMS_SHOWN
          ? [`…and ${problems.length - MAX_PROBLEMS_SHOWN} more problem(s) in ${problems[0]!.file}`]
          : []),
      ].join('\n'),
    );
    this.problems = problems;
  }
}

/** An outside system (Cloud Run, GitHub, git, a deploy) could not be used: exit 3. */
export class InfraError extends TdlError {
  constructor(code: string, message: string, hint?: string, cause?: unknown) {
    super(code, message, {
      exitCode: EXIT.infrastructure,
      ...(hint ? { hint } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** Message of an unknown thrown value, for records and logs. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
