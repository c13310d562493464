/**
 * Response field masks, as Google's API platform applies them to every REST and gRPC API: the
 * `X-Goog-FieldMask` header (gRPC metadata `x-goog-fieldmask`; REST also `?fields=`) names the fields
 * of the response to return, e.g. `nextPageToken,entries(timestamp,severity,jsonPayload)`. Nested
 * fields by dots or parentheses; `*` is everything; a repeated field's mask applies to each element.
 * See https://cloud.google.com/apis/docs/system-parameters. The emulators apply it to the plain
 * objects they answer with (camelCase field names; snake_case is accepted too).
 */

/** A parsed mask: each selected field and what of it is selected (null: the whole field). */
export type FieldMask = Map<string, FieldMask | null>;

export class FieldMaskSyntaxError extends Error {}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function merge(into: FieldMask, name: string, sub: FieldMask | null): void {
  if (!into.has(name)) {
    into.set(name, sub);
    return;
  }
  const have = into.get(name)!;
  // A field selected whole stays whole; two sub-masks are united.
  if (have === null || sub === null) into.set(name, null);
  else for (const [k, v] of sub) merge(have, k, v);
}

/** Parses `a,b.c,d(e,f(g))`; null for an empty mask or `*` (everything). */
export function parseFieldMask(text: string): FieldMask | null {
  const src = text.replace(/\s+/g, '');
  if (src === '' || src === '*') return null;
  let i = 0;
  const fail = (what: string): never => {
    throw new FieldMaskSyntaxError(`field mask '${text}': ${what} at character ${i + 1}`);
  };
  const name = (): string => {
    const m = /^(?:\*|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
    if (!m) fail('a field name expected');
    i += m![0].length;
    return m![0] === '*' ? '*' : camel(m![0]);
  };
  const list = (): FieldMask => {
    const out: FieldMask = new Map();
    for (;;) {
      const path = [name()];
      while (src[i] === '.') {
        i += 1;
        path.push(name());
      }
      let sub: FieldMask | null = null;
      if (src[i] === '(') {
        i += 1;
        sub = list();
        if (src[i] !== ')') fail("')' expected");
        i += 1;
      }
      for (let k = path.length - 1; k > 0; k--) sub = new Map([[path[k]!, sub]]);
      merge(out, path[0]!, sub);
      if (src[i] !== ',') return out;
      i += 1;
    }
  };
  const mask = list();
  if (i < src.length) fail("',' or the end expected");
  return mask;
}

/** The fields of `value` the mask selects (arrays: each element); the value itself for no mask. */
export function applyFieldMask<T>(value: T, mask: FieldMask | null): T {
  if (mask === null || mask.has('*') || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => applyFieldMask(v, mask)) as T;
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const [key, sub] of mask) {
    if (source[key] !== undefined) out[key] = applyFieldMask(source[key], sub);
  }
  return out as T;
}
