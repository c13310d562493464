/**
 * SARIF 2.1.0 output (what GitHub code scanning accepts). GitHub rejects a run with more than 25,000
 * results or a result with more than 1,000 locations: results past the cap are cut (the list is
 * errors first) and the run says what was cut, per rule, in a tool notification and its properties.
 */
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
  /** Results per run at most (GitHub: 25,000). */
  maxResults?: number;
}

export const SARIF_MAX_RESULTS = 25_000;
const SARIF_MAX_RELATED = 1000;

export function toSarif(all: readonly Violation[], opts: SarifOptions): Record<string, unknown> {
  const max = opts.maxResults ?? SARIF_MAX_RESULTS;
  const violations = all.slice(0, max);
  const cutByRule: Record<string, number> = {};
  for (const v of all.slice(max)) cutByRule[v.ruleId] = (cutByRule[v.ruleId] ?? 0) + 1;
  const cut = all.length - violations.length;
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
          relatedLocations: v.related.slice(0, SARIF_MAX_RELATED).map((r, i) => ({
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
        ...(cut
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [
                    {
                      level: 'warning',
                      message: {
                        text: `${cut} of ${all.length} results not included (at most ${max} per run); by rule: ${Object.entries(
                          cutByRule,
                        )
                          .map(([r, n]) => `${r} ${n}`)
                          .join(', ')}`,
                      },
                    },
                  ],
                },
              ],
              properties: { resultsCut: cut, resultsTotal: all.length, resultsCutByRule: cutByRule },
            }
          : {}),
        results,
      },
    ],
  };
}
