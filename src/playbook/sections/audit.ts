// Owned by phase 4 (compliance). Keys: audit.
import * as z from 'zod';
import { command, timeout } from './common.js';

export const RULE_KINDS = [
  'duplicate-definition',
  'forbidden-pattern',
  'deprecated-import',
  'max-file-lines',
  'max-function-lines',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type AuditSeverity = (typeof SEVERITIES)[number];

/** Severity of a rule kind when the rule does not say (README: "Severity defaults"). */
export const DEFAULT_SEVERITY: Record<RuleKind, AuditSeverity> = {
  'duplicate-definition': 'warning',
  'forbidden-pattern': 'error',
  'deprecated-import': 'warning',
  'max-file-lines': 'warning',
  'max-function-lines': 'warning',
};

const globs = z.array(z.string().min(1));

const severity = (kind: RuleKind) =>
  z
    .enum(SEVERITIES)
    .default(DEFAULT_SEVERITY[kind])
    .meta({ description: `Default for this kind: ${DEFAULT_SEVERITY[kind]}.` });

const base = {
  id: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, { message: 'expected letters, digits, ".", "_" or "-"' }),
  scopes: z.array(z.string()).optional().meta({ description: 'Only these scopes (default: all).' }),
  message: z.string().optional(),
  fix: z.string().optional().meta({ description: 'How to fix it, shown with each violation.' }),
};

const allowEntry = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1).optional(), files: globs.min(2) }),
]);

export const duplicateRuleSchema = z.strictObject({
  ...base,
  kind: z.literal('duplicate-definition'),
  severity: severity('duplicate-definition'),
  names: globs.min(1).meta({ description: 'Name globs, e.g. "*State", "*Manager".' }),
  definitions: z
    .array(z.enum(['class', 'enum', 'interface', 'type']))
    .default(['class', 'enum', 'interface', 'type']),
  allow: z
    .array(allowEntry)
    .default([])
    .meta({ description: 'Sanctioned duplicates: a name glob, or { name?, files: [globs] }.' }),
  enumSeverity: z.enum(SEVERITIES).default('error').meta({
    description: 'Severity of enums with the same name but different members or member values.',
  }),
  declarationFiles: z.boolean().default(false).meta({
    description:
      'Also count definitions in .d.ts files and .pyi stubs (mirrors of definitions made elsewhere).',
  }),
  augmentations: z.boolean().default(false).meta({
    description: 'Also count definitions inside `declare module "x"` / `declare global` (augmentations).',
  }),
  bindings: z.boolean().default(true).meta({
    description:
      'Also record public bindings of a matching name (`X = Y`, `import Y as X`, `__all__` re-exports; `export { Y as X }`, `export const X = Y`): one name bound to different targets is reported, an alias of the definition is a related location.',
  }),
});

export const forbiddenRuleSchema = z.strictObject({
  ...base,
  kind: z.literal('forbidden-pattern'),
  severity: severity('forbidden-pattern'),
  pattern: z.string().min(1).meta({ description: 'A JavaScript regular expression.' }),
  allowIn: globs.default([]).meta({ description: 'The canonical home(s): files where it may appear.' }),
  matchIn: z.enum(['code', 'strings', 'all']).default('code').meta({
    description: 'code: outside comments and strings (default); strings: inside string literals only.',
  }),
});

export const deprecatedImportRuleSchema = z
  .strictObject({
    ...base,
    kind: z.literal('deprecated-import'),
    severity: severity('deprecated-import'),
    module: z.string().min(1).optional().meta({
      description: 'Deprecated module: a Python dotted path or a JS specifier / repo path (and submodules).',
    }),
    names: z.array(z.string().min(1)).optional().meta({
      description: 'Deprecated imported names (from `module` if given, else from any module).',
    }),
    replacement: z.string().min(1).meta({ description: 'The canonical import to use instead.' }),
    allowIn: globs.default([]),
  })
  .refine((r) => r.module !== undefined || (r.names?.length ?? 0) > 0, {
    message: 'expected `module`, `names` or both',
  });

export const maxFileLinesRuleSchema = z.strictObject({
  ...base,
  kind: z.literal('max-file-lines'),
  severity: severity('max-file-lines'),
  max: z.int().min(1),
});

export const maxFunctionLinesRuleSchema = z.strictObject({
  ...base,
  kind: z.literal('max-function-lines'),
  severity: severity('max-function-lines'),
  max: z.int().min(1),
});

export const ruleSchema = z.discriminatedUnion('kind', [
  duplicateRuleSchema,
  forbiddenRuleSchema,
  deprecatedImportRuleSchema,
  maxFileLinesRuleSchema,
  maxFunctionLinesRuleSchema,
]);

export const externalAuditorSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, { message: 'expected letters, digits, ".", "_" or "-"' }),
  command,
  format: z.enum(['sarif', 'eslint-json']),
  output: z.string().optional().meta({
    description: 'Report file the command writes ({reportDir} allowed); default: its standard output.',
  }),
  timeout: timeout.prefault('5m'),
  severity: z.enum(SEVERITIES).optional().meta({ description: 'Override the severity of its findings.' }),
});

/** What the audit reads and how much it reports (README, "What is read" and "Output"). */
export const auditLimitsSchema = z.strictObject({
  maxFileBytes: z.int().min(1).default(1_000_000).meta({
    description: 'Files larger than this are skipped and listed (default 1,000,000 bytes, as semgrep).',
  }),
  skipBinary: z.boolean().default(true).meta({
    description: 'Skip files with a NUL byte in their first 8,000 bytes (what git calls binary).',
  }),
  skipMinified: z.boolean().default(true).meta({
    description: 'Skip minified/generated files: 1 KiB or more whose lines average over 250 bytes.',
  }),
  relatedSites: z.int().min(1).max(1000).default(20).meta({
    description: 'A finding lists at most this many related sites (plus their count).',
  }),
  findingsPerFile: z.int().min(1).default(200).meta({
    description: 'At most this many findings of one rule in one file; the rest are counted as cut.',
  }),
});

export const auditSchema = z
  .strictObject({
    scopes: z
      .record(z.string(), globs)
      .default({})
      .meta({ description: 'Named file sets scored separately; default: one scope "all".' }),
    exclude: globs.default([]).meta({ description: 'Files never audited (globs).' }),
    rules: z.array(ruleSchema).default([]),
    external: z.array(externalAuditorSchema).default([]),
    baseline: z.string().default('.tdl/audit-baseline.json').meta({
      description: 'Baseline file, relative to the audited folder.',
    }),
    base: z.string().optional().meta({
      description:
        'Git ref that phase 4 compares against. Default: the merge base of HEAD with the base branch (decision.base, else github.baseBranch, else main; the local branch, else origin/).',
    }),
    limits: auditLimitsSchema.prefault({}),
    sourceRoots: z.array(z.string().min(1)).default([]).meta({
      description:
        'Folders holding Python packages (e.g. "src" in a src/ layout): relative imports resolve from them.',
    }),
  })
  .superRefine((audit, ctx) => {
    const seen = new Set<string>();
    audit.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
      if (r.kind === 'forbidden-pattern') {
        try {
          new RegExp(r.pattern);
        } catch (e) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'pattern'],
            message: `not a valid regular expression: ${(e as Error).message}`,
          });
        }
      }
      for (const s of r.scopes ?? []) {
        if (Object.keys(audit.scopes).length > 0 && !(s in audit.scopes))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'scopes'],
            message: `unknown scope "${s}"; scopes in this playbook: ${Object.keys(audit.scopes).join(', ')}`,
          });
      }
    });
  });

export type AuditConfig = z.output<typeof auditSchema>;
export type AuditLimits = z.output<typeof auditLimitsSchema>;
export type AuditRule = z.output<typeof ruleSchema>;
export type DuplicateRule = z.output<typeof duplicateRuleSchema>;
export type ForbiddenRule = z.output<typeof forbiddenRuleSchema>;
export type DeprecatedImportRule = z.output<typeof deprecatedImportRuleSchema>;
export type ExternalAuditor = z.output<typeof externalAuditorSchema>;
