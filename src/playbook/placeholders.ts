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
