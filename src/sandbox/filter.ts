/**
 * The filter language of the Cloud Logging and Cloud Monitoring emulators: the subset of the real
 * one that tdl and its tests use. Comparisons `path op value` (`=`, `!=`, `>`, `>=`, `<`, `<=`, `:`
 * for "has"), joined by `AND` (or juxtaposition / newlines, as Cloud Logging reads them), `OR`, `NOT`
 * and parentheses. Anything else is rejected with the position, as the real API rejects a bad filter:
 * a filter the emulator cannot read must not silently match everything.
 */

export type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | ':';

export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'cmp'; path: string; op: Op; value: string };

export class FilterSyntaxError extends Error {}

type Token = { t: 'word' | 'str' | 'op' | '(' | ')'; v: string; at: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c, v: c, at: i++ });
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        v += text[j++];
      }
      if (j >= text.length) throw new FilterSyntaxError(`unterminated string at ${i}`);
      out.push({ t: 'str', v, at: i });
      i = j + 1;
    } else {
      const op = /^(?:!=|>=|<=|=|>|<|:)/.exec(text.slice(i));
      if (op) {
        out.push({ t: 'op', v: op[0], at: i });
        i += op[0].length;
        continue;
      }
      const word = /^[A-Za-z0-9_.\-/@+]+/.exec(text.slice(i));
      if (!word) throw new FilterSyntaxError(`unexpected '${c}' at ${i}`);
      out.push({ t: 'word', v: word[0], at: i });
      i += word[0].length;
    }
  }
  return out;
}

/** Parses a filter; an empty filter is `{kind: 'and', items: []}` (matches everything). */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && peek()!.v === v;

  function orExpr(): FilterNode {
    const items = [andExpr()];
    while (isWord('OR')) {
      pos++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }
  function andExpr(): FilterNode {
    const items: FilterNode[] = [];
    for (;;) {
      const t = peek();
      if (!t || t.t === ')' || (t.t === 'word' && t.v === 'OR')) break;
      if (t.t === 'word' && t.v === 'AND') {
        pos++;
        continue;
      }
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }
  function unary(): FilterNode {
    const t = peek()!;
    if (t.t === 'word' && t.v === 'NOT') {
      pos++;
      return { kind: 'not', item: unary() };
    }
    if (t.t === '(') {
      pos++;
      const inner = orExpr();
      if (peek()?.t !== ')') throw new FilterSyntaxError(`missing ')' for '(' at ${t.at}`);
      pos++;
      return inner;
    }
    if (t.t !== 'word') throw new FilterSyntaxError(`expected a field name at ${t.at}, found '${t.v}'`);
    pos++;
    const op = peek();
    if (op?.t !== 'op') throw new FilterSyntaxError(`expected an operator after '${t.v}' at ${t.at}`);
    pos++;
    const value = peek();
    if (!value || (value.t !== 'word' && value.t !== 'str'))
      throw new FilterSyntaxError(`expected a value after '${t.v}${op.v}' at ${op.at}`);
    pos++;
    return { kind: 'cmp', path: t.v, op: op.v as Op, value: value.v };
  }

  const node = orExpr();
  if (pos < tokens.length)
    throw new FilterSyntaxError(`unexpected '${tokens[pos]!.v}' at ${tokens[pos]!.at}`);
  return node;
}

/**
 * How the emulator reads a field of a record: its value (string, number or undefined when absent)
 * and, for ordered fields (severity, timestamp), the rank compared with `<`/`>`.
 */
export type FieldReader = (path: string) => string | number | undefined;
export type ValueRank = (path: string, value: string) => number | string;

function compare(
  op: Op,
  actual: string | number | undefined,
  expected: string,
  rank: ValueRank,
  path: string,
) {
  if (actual === undefined) return op === '!=';
  if (op === ':') return String(actual).toLowerCase().includes(expected.toLowerCase());
  const a = typeof actual === 'number' ? actual : rank(path, actual);
  const b = rank(path, expected);
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    default:
      return a <= b;
  }
}

export function matches(node: FilterNode, read: FieldReader, rank: ValueRank): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matches(n, read, rank));
    case 'or':
      return node.items.some((n) => matches(n, read, rank));
    case 'not':
      return !matches(node.item, read, rank);
    default:
      return compare(node.op, read(node.path), node.value, rank, node.path);
  }
}
