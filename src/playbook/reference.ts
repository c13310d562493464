/**
 * docs/playbook.md, generated from the playbook's zod schema (its JSON Schema): every key with its
 * type, default and description, so the reference cannot drift from what `tdl` accepts.
 * test/unit/docs-generated.test.ts fails when the file is stale; `npm run docs` rewrites it.
 */
import { playbookJsonSchema } from './schema.js';

type Node = Record<string, unknown>;

interface Row {
  key: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

function resolve(node: Node, root: Node): Node {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = (target as Node | undefined)?.[part];
  return { ...(target as Node), ...node, $ref: undefined };
}

function alternatives(node: Node): Node[] {
  return ((node.anyOf ?? node.oneOf) as Node[] | undefined) ?? [];
}

function typeOf(node: Node, root: Node): string {
  const n = resolve(node, root);
  if (Array.isArray(n.enum)) return n.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (n.const !== undefined) return JSON.stringify(n.const);
  const alts = alternatives(n);
  if (alts.length) return [...new Set(alts.map((a) => typeOf(a, root)))].join(' \\| ');
  if (n.type === 'array') return `${typeOf((n.items as Node | undefined) ?? {}, root)}[]`;
  if (n.type === 'integer') {
    const range = [
      n.minimum !== undefined ? `≥ ${n.minimum}` : '',
      n.maximum !== undefined ? `≤ ${n.maximum}` : '',
    ];
    const text = range.filter(Boolean).join(', ');
    return text ? `integer (${text})` : 'integer';
  }
  if (typeof n.type === 'string') return n.type === 'object' && n.properties ? 'object' : String(n.type);
  if (Array.isArray(n.type)) return n.type.join(' \\| ');
  return 'any';
}

/** The object nodes a key's value can be (itself, its array items, its union members). */
function objectsIn(node: Node, root: Node): Node[] {
  const n = resolve(node, root);
  if (n.properties) return [n];
  if (n.type === 'array' && n.items) return objectsIn(n.items as Node, root);
  return alternatives(n).flatMap((a) => objectsIn(a, root));
}

function walk(node: Node, root: Node, prefix: string, rows: Row[]): void {
  const props = (node.properties ?? {}) as Record<string, Node>;
  const required = new Set((node.required as string[] | undefined) ?? []);
  for (const [name, raw] of Object.entries(props)) {
    const n = resolve(raw, root);
    const isArray = n.type === 'array';
    const key = `${prefix}${name}`;
    rows.push({
      key,
      type: typeOf(n, root),
      required: required.has(name),
      default: n.default,
      description: String(n.description ?? ''),
    });
    for (const child of objectsIn(n, root)) walk(child, root, `${key}${isArray ? '[]' : ''}.`, rows);
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function playbookReference(): string {
  const schema = playbookJsonSchema() as Node;
  const rows: Row[] = [];
  walk(schema, schema, '', rows);
  const seen = new Set<string>();
  const lines = [
    '# Playbook reference',
    '',
    '<!-- Generated from the zod schema (src/playbook/schema.ts and sections/) by `npm run docs`; do not edit. -->',
    '',
    'Every key a playbook (`tdl.yaml`) may hold. `key[]` is an item of a list; a key that can take',
    'several shapes lists the keys of each. Paths in a playbook are relative to the playbook file.',
    'The same schema as JSON Schema: `tdl schema` (also in `schemas/playbook.schema.json`).',
    '',
    '| Key | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const line = `| \`${r.key}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${
      r.default === undefined ? '' : `\`${cell(JSON.stringify(r.default))}\``
    } | ${cell(r.description)} |`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
