/** The audit's data model: what one file holds, and the violations a whole audit reports. */
import type { AuditSeverity } from '../playbook/sections/audit.js';

export type DefinitionKind = 'class' | 'enum' | 'interface' | 'type';

/** A site of a name: a definition, or a binding of the name to another one (`alias`). */
export type SiteKind = DefinitionKind | 'alias';

/** A definition a duplicate-definition rule is interested in. */
export interface Definition {
  ruleId: string;
  name: string;
  kind: SiteKind;
  /** Of an alias: the name it binds to (its last part: `a.b.Y` → `Y`). */
  target?: string;
  line: number;
  endLine: number;
  /** Enum members in source order (enums only). */
  members?: string[];
  /** Enum member values as written (when given). */
  values?: Record<string, string>;
}

/** A per-file finding (everything except duplicates, which need all files). */
export interface Hit {
  ruleId: string;
  line: number;
  endLine?: number;
  message: string;
  /** What identifies the offending code independently of its line (hashed into the fingerprint). */
  key: string;
}

export interface FileScan {
  file: string;
  defs: Definition[];
  hits: Hit[];
}

export type ViolationStatus = 'new' | 'known';

export interface Location {
  file: string;
  line: number;
}

export interface Violation {
  /** The playbook rule id (duplicate enums: `<rule>/enum-members`; external: `<auditor>/<rule>`). */
  ruleId: string;
  kind: string;
  severity: AuditSeverity;
  /** Relative to the audited folder, `/`-separated. */
  file: string;
  line: number;
  endLine?: number;
  message: string;
  fix?: string;
  /** stableHash(rule, file, offending code): the baseline key, independent of the line. */
  fingerprint: string;
  /** Scopes the file belongs to. */
  scopes: string[];
  /** Other places involved (the other definitions of a duplicate), at most `limits.relatedSites`. */
  related?: Location[];
  /** How many related places there are, when `related` lists only the first of them. */
  relatedCount?: number;
  /** Enum member difference, for `enum-members` findings. */
  members?: { here: string[]; other: Location & { members: string[] }; missing: string[]; extra: string[] };
  /** Against the baseline; absent when there is no baseline. */
  status?: ViolationStatus;
  /** Against `--base`; absent when no base was compared. */
  introduced?: boolean;
}
