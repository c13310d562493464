/** SARIF 2.1.0 output (what GitHub code scanning accepts). */
import { pathToFileURL } from 'node:url';
import type { AuditSeverity } from '../playbook/sections/audit.js';
import type { Violation } from './types.js';

const LEVEL: Record<AuditSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export interface SarifOptions {
  root: string;
  toolVersion: string;
  /** Rule descriptions by id (message or kind). */
  ruleHelp?: ReadonlyMap<string, { kind: string; fix?: string }>;
}

export function toSarif(violations: readonly Violation[], opts: SarifOptions): Record<string, unknown> {
  const ruleIds = [...new Set(violations.map((v) => v.ruleId))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const v = violations.find((x) => x.ruleId === id)!;
    const help = opts.ruleHelp?.get(id);
    return {
      id,
      name: (help?.kind ?? v.kind).replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: `${help?.kind ?? v.kind} (${id})` },
      defaultConfiguration: { level: LEVEL[v.severity] },
      ...(help?.fix || v.fix ? { help: { text: help?.fix ?? v.fix! } } : {}),
    };
  });
  const rootUri = pathToFileURL(opts.root.endsWith('/') ? opts.root : `${opts.root}/`).href;
  const results = violations.map((v) => ({
    ruleId: v.ruleId,
    ruleIndex: index.get(v.ruleId)!,
    level: LEVEL[v.severity],
    message: { text: v.fix ? `${v.message}. Fix: ${v.fix}` : v.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(v.file), uriBaseId: 'SRCROOT' },
          region: { startLine: v.line, ...(v.endLine && v.endLine >= v.line ? { endLine: v.endLine } : {}) },
        },
      },
    ],
    partialFingerprints: { 'tdlFingerprint/v1': v.fingerprint },
    ...(v.related?.length
      ? {
          relatedLocations: v.related.map((r, i) => ({
            id: i + 1,
            physicalLocation: {
              artifactLocation: { uri: uri(r.file), uriBaseId: 'SRCROOT' },
              region: { startLine: r.line },
            },
          })),
        }
      : {}),
    ...(v.status ? { baselineState: v.status === 'new' ? 'new' : 'unchanged' } : {}),
    ...(v.introduced !== undefined ? { properties: { introduced: v.introduced } } : {}),
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tdl',
            version: opts.toolVersion,
            informationUri: 'https://www.npmjs.com/package/test-deploy-loop',
            rules,
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: rootUri } },
        results,
      },
    ],
  };
}
