/** Rule descriptions for SARIF, from the playbook's rules. */
import type { AuditConfig } from '../playbook/sections/audit.js';

export function ruleHelp(config: AuditConfig): Map<string, { kind: string; fix?: string }> {
  const out = new Map<string, { kind: string; fix?: string }>();
  for (const r of config.rules) {
    out.set(r.id, { kind: r.kind, ...(r.fix ? { fix: r.fix } : {}) });
    if (r.kind === 'duplicate-definition')
      out.set(`${r.id}/enum-members`, { kind: 'enum-members', ...(r.fix ? { fix: r.fix } : {}) });
  }
  return out;
}
