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
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { exitCode: number; hint?: string; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
  }
}

/** A mistake in how tdl was called or configured: exit 2. */
export class UsageError extends TdlError {
  constructor(code: ErrorCode, message: string, hint?: string) {
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
  constructor(code: ErrorCode, message: string, hint?: string, cause?: unknown) {
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

/**
 * Every error code tdl uses: the exit code it maps to and what it means. docs/errors.md is generated
 * from this table (`npm run docs`), and an error can only be made with a code listed here.
 */
export const ERROR_CODES = {
  EPLAYBOOK: {
    exit: EXIT.usage,
    meaning:
      'The playbook is not valid: every problem is listed as file:line:column: key: what was expected.',
  },
  EEXIST: {
    exit: EXIT.usage,
    meaning: 'tdl init: the playbook file already exists (--force overwrites it).',
  },
  ENOPLAYBOOK: {
    exit: EXIT.usage,
    meaning: 'No playbook at the path given, or no tdl.yaml / tdl.yml in the folder.',
  },
  EOPTION: {
    exit: EXIT.usage,
    meaning: 'A command-line option has a value tdl cannot use, or options that do not go together.',
  },
  EUSAGE: { exit: EXIT.usage, meaning: 'A command-line value tdl cannot read (e.g. a duration).' },
  EONLY: { exit: EXIT.usage, meaning: '--only names a phase that does not exist.' },
  EFOCUS: { exit: EXIT.usage, meaning: '--focus matches no suite category or id.' },
  EPUBLISH: { exit: EXIT.usage, meaning: '--publish is not github, outbox, none or auto.' },
  EFORMAT: { exit: EXIT.usage, meaning: '--format is not a report format tdl reads.' },
  EREPORT: { exit: EXIT.usage, meaning: 'tdl results: a report file cannot be read as its format.' },
  ERUNID: { exit: EXIT.usage, meaning: 'Not a run id (tdl-YYYYMMDD-HHMMSS-xxxxxx).' },
  ENORUN: {
    exit: EXIT.usage,
    meaning:
      'No run with that id under the state folder (run the command from the folder the run started in).',
  },
  ERECORD: { exit: EXIT.usage, meaning: "A run's record.json is not valid JSON or not a run record." },
  ERUNVERSION: { exit: EXIT.usage, meaning: 'A run record written by an incompatible version of tdl.' },
  ELOCKED: {
    exit: EXIT.usage,
    meaning: 'The run lock is held by another run, or the lock file is not one tdl wrote.',
  },
  ENOOUTBOX: {
    exit: EXIT.usage,
    meaning: 'tdl publish: the run has no outbox (it did not run with --publish outbox).',
  },
  EOUTBOXVERSION: { exit: EXIT.usage, meaning: 'An outbox written by an incompatible version of tdl.' },
  ENOTOKEN: {
    exit: EXIT.usage,
    meaning: 'Publishing to GitHub without a token (GITHUB_TOKEN, GH_TOKEN or gh auth token).',
  },
  ENOGCP: { exit: EXIT.usage, meaning: 'A Cloud Run step without a gcp section in the playbook.' },
  ENOGITHUB: { exit: EXIT.usage, meaning: 'A GitHub step without a github section in the playbook.' },
  ENOSERVICES: { exit: EXIT.usage, meaning: 'tdl status: no Cloud Run services in the playbook.' },
  ENOLOGGING: {
    exit: EXIT.usage,
    meaning: 'Cloud Run is read from an emulator but gcp.loggingEndpoint is not set.',
  },
  ENOMONITORING: {
    exit: EXIT.usage,
    meaning: 'Cloud Run is read from an emulator but gcp.monitoringEndpoint is not set.',
  },
  EGCP: {
    exit: EXIT.usage,
    meaning: 'tdl init: --gcp-project, --region and --service must be given together.',
  },
  ENOAUDIT: { exit: EXIT.usage, meaning: 'tdl audit: the playbook has no audit section.' },
  EAUDITDIR: { exit: EXIT.usage, meaning: 'tdl audit: the folder to audit does not exist.' },
  EAUDITRULE: { exit: EXIT.usage, meaning: 'tdl audit --rule: no such rule in the playbook.' },
  EBASEREF: { exit: EXIT.usage, meaning: '--base is not a commit of the repository.' },
  EBASELINE: { exit: EXIT.usage, meaning: 'The audit baseline file is not valid.' },
  ENOTEST: { exit: EXIT.usage, meaning: 'tdl worklogs --test: no test with that id in the recent runs.' },
  EPLAN: {
    exit: EXIT.usage,
    meaning: 'A sharded command without its --plan file, or a plan that cannot be read.',
  },
  ETIER: { exit: EXIT.usage, meaning: '--tier missing, or not a tier of the plan.' },
  ESHARD: { exit: EXIT.usage, meaning: '--shard is not i/N with 1 <= i <= N.' },
  ESHARDS: { exit: EXIT.usage, meaning: '--shards is not a whole number in the allowed range.' },
  ESPLIT: { exit: EXIT.usage, meaning: "A suite's split.glob matches no file." },
  EEXECUTOR: {
    exit: EXIT.usage,
    meaning: '--executor is not local or cloud-run-jobs, or its requirements (--job, gcp, gcs) are missing.',
  },
  ETOOL: { exit: EXIT.usage, meaning: 'MCP: no tool with that name.' },
  EINPUT: { exit: EXIT.usage, meaning: "MCP: a tool's inputs do not match its inputSchema." },
  ERESOURCE: { exit: EXIT.usage, meaning: 'MCP: no resource at that URI.' },
  ENOWORKLOG: { exit: EXIT.usage, meaning: 'MCP: no worklog yet for this playbook.' },
  ENOCLUSTER: { exit: EXIT.usage, meaning: 'MCP: no failure cluster with that id in the run.' },
  ECLOUDRUN_NOT_FOUND: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Run: the project, region, service or revision does not exist.',
  },
  ECLOUDRUN_PERMISSION: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Run: the credentials may not read (or deploy) the service.',
  },
  ECLOUDRUN_UNAVAILABLE: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Run: the API could not be reached after the retries.',
  },
  ECLOUDRUN_OTHER: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Run: any other API error (the message has the status).',
  },
  ELOGGING_PERMISSION: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Logging: the credentials may not read logs (roles/logging.viewer).',
  },
  ELOGGING_UNAVAILABLE: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Logging: the API could not be reached.',
  },
  ELOGGING_INVALID: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Logging: the API refused the filter (check logs.filter).',
  },
  ELOGGING_OTHER: { exit: EXIT.infrastructure, meaning: 'Cloud Logging: any other API error.' },
  EMONITORING_PERMISSION: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Monitoring: the credentials may not read metrics (roles/monitoring.viewer).',
  },
  EMONITORING_UNAVAILABLE: {
    exit: EXIT.infrastructure,
    meaning: 'Cloud Monitoring: the API could not be reached.',
  },
  EMONITORING_INVALID: { exit: EXIT.infrastructure, meaning: 'Cloud Monitoring: the API refused the query.' },
  EMONITORING_OTHER: { exit: EXIT.infrastructure, meaning: 'Cloud Monitoring: any other API error.' },
  EGITHUB: {
    exit: EXIT.infrastructure,
    meaning: 'GitHub: an API call failed (network, rate limit, a 4xx or 5xx); the message has the status.',
  },
  EGITHUBAUTH: { exit: EXIT.infrastructure, meaning: 'GitHub: the token was refused (401).' },
  EGITPUSH: { exit: EXIT.infrastructure, meaning: 'git push of the remediation branch failed.' },
} as const satisfies Record<string, { exit: number; meaning: string }>;
export type ErrorCode = keyof typeof ERROR_CODES;
