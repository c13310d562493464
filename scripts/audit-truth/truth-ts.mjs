// Ground truth for `tdl audit` on TypeScript/JavaScript files, from the TypeScript compiler API (the
// `typescript` devDependency): the same request and answer as truth.py (see there), where
//   definitions: class / interface / type alias / enum declarations named by their namespace
//                qualification; inside `declare module "x"` / `declare global` and in .d.ts: none;
//   functions:   function declarations and expressions, methods, accessors, constructors and arrow
//                functions with a block body, from the line of their name (an arrow: the line of the
//                variable or property it is assigned to) to the line of their closing brace;
//   pattern:     regex matches wholly outside comments, string/template text and regex literals;
//   imports:     import / export-from / import type / require() / import() of `module` or a subpath;
//   bindings:    `export { Y as X }` (with or without `from`), `export { X } from`, and
//                `export const X = Y` / `= a.Y` (untyped), at the statement's line; not in .d.ts.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

function kindOf(file) {
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JSX; // JSX in .js is common in React code
  return ts.ScriptKind.TS;
}

const lineOf = (sf, pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;

function definitions(sf, names) {
  const out = [];
  if (/\.d\.[cm]?ts$/.test(sf.fileName)) return out;
  const visit = (node, qual) => {
    if (ts.isModuleDeclaration(node)) {
      if (!ts.isIdentifier(node.name) || node.flags & ts.NodeFlags.GlobalAugmentation) return;
      let body = node.body;
      const q = [...qual, node.name.text];
      while (body && ts.isModuleDeclaration(body)) {
        q.push(body.name.text);
        body = body.body;
      }
      if (body) ts.forEachChild(body, (c) => visit(c, q));
      return;
    }
    const kind = ts.isClassDeclaration(node)
      ? 'class'
      : ts.isInterfaceDeclaration(node)
        ? 'interface'
        : ts.isTypeAliasDeclaration(node)
          ? 'type'
          : ts.isEnumDeclaration(node)
            ? 'enum'
            : null;
    if (kind && node.name && names.test(node.name.text)) {
      // tdl reports a definition at its keyword (`class X`), which may follow decorators.
      const kw = node
        .getChildren(sf)
        .find((c) =>
          [
            ts.SyntaxKind.ClassKeyword,
            ts.SyntaxKind.InterfaceKeyword,
            ts.SyntaxKind.TypeKeyword,
            ts.SyntaxKind.EnumKeyword,
          ].includes(c.kind),
        );
      out.push([lineOf(sf, (kw ?? node.name).getStart(sf)), [...qual, node.name.text].join('.'), kind]);
    }
    ts.forEachChild(node, (c) => visit(c, qual));
  };
  ts.forEachChild(sf, (c) => visit(c, []));
  return out;
}

function functions(sf, max) {
  const out = [];
  const visit = (node) => {
    let start = null;
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessor(node) ||
        ts.isSetAccessor(node) ||
        ts.isConstructorDeclaration(node)) &&
      node.body
    ) {
      const named =
        node.name ??
        node
          .getChildren(sf)
          .find(
            (c) => c.kind === ts.SyntaxKind.FunctionKeyword || c.kind === ts.SyntaxKind.ConstructorKeyword,
          );
      start = (named ?? node).getStart(sf);
    } else if (ts.isArrowFunction(node) && ts.isBlock(node.body)) {
      const p = node.parent;
      start =
        (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name
          ? p.name.getStart(sf)
          : node.getStart(sf);
    }
    if (start !== null) {
      const a = lineOf(sf, start);
      const b = lineOf(sf, node.body.getEnd() - 1);
      if (b - a + 1 > max) out.push([a, b - a + 1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** [start, end) of comments, string and template text, regex literals and JSX text: not code. */
function nonCode(sf) {
  const spans = [];
  const text = sf.text;
  const comments = (pos) => {
    for (const r of ts.getLeadingCommentRanges(text, pos) ?? []) spans.push([r.pos, r.end]);
    for (const r of ts.getTrailingCommentRanges(text, pos) ?? []) spans.push([r.pos, r.end]);
  };
  const visit = (node) => {
    comments(node.getFullStart());
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isRegularExpressionLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      node.kind === ts.SyntaxKind.JsxText
    ) {
      spans.push([node.getStart(sf), node.getEnd()]);
      return;
    }
    ts.forEachChild(node, visit);
    if (node.getChildCount(sf) === 0) comments(node.getEnd());
  };
  visit(sf);
  comments(sf.endOfFileToken.getFullStart());
  return spans;
}

function patternLines(sf, re) {
  const spans = nonCode(sf);
  const out = [];
  re.lastIndex = 0;
  for (let m = re.exec(sf.text); m; m = re.exec(sf.text)) {
    const a = m.index;
    const b = a + m[0].length;
    if (!spans.some(([s, e]) => s < b && a < e)) out.push(lineOf(sf, a));
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function imports(sf, module) {
  const under = (s) => s === module || s.startsWith(`${module}/`);
  const out = [];
  const visit = (node) => {
    let spec = null;
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      spec = node.moduleSpecifier.text;
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      spec = node.arguments[0].text;
    if (spec !== null && under(spec)) out.push(lineOf(sf, node.getStart(sf)));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function bindings(sf, names) {
  const out = [];
  if (/\.d\.[cm]?ts$/.test(sf.fileName)) return out;
  for (const st of sf.statements) {
    const line = lineOf(sf, st.getStart(sf));
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) {
        const bound = el.name.text;
        const local = el.propertyName ? el.propertyName.text : bound;
        if (!names.test(bound) || local === 'default') continue;
        if (!el.propertyName && !st.moduleSpecifier) continue; // exports the local definition
        out.push([line, bound, local]);
      }
    } else if (
      ts.isVariableStatement(st) &&
      st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) &&
      st.declarationList.flags & ts.NodeFlags.Const
    ) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || d.type || !d.initializer || !names.test(d.name.text)) continue;
        // A name or a chain of names (`a.b.Y`): the target is its last part.
        const e = d.initializer;
        let x = e;
        while (ts.isPropertyAccessExpression(x)) x = x.expression;
        if (!ts.isIdentifier(x)) continue;
        const target = ts.isIdentifier(e) ? e.text : e.name.text;
        if (['undefined', 'NaN', 'Infinity'].includes(target)) continue;
        out.push([line, d.name.text, target]);
      }
    }
  }
  return out;
}

const req = JSON.parse(readFileSync(0, 'utf8'));
const names = new RegExp(`^(?:${req.names})$`);
const res = { definitions: [], functions: [], pattern: [], imports: [], bindings: [], unparsed: [] };
for (const f of req.files) {
  const text = readFileSync(`${req.root}/${f}`, 'utf8');
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true, kindOf(f));
  if (sf.parseDiagnostics?.length) {
    res.unparsed.push(f);
    continue;
  }
  for (const d of definitions(sf, names)) res.definitions.push([f, ...d]);
  for (const b of bindings(sf, names)) res.bindings.push([f, ...b]);
  for (const d of functions(sf, req.maxLines)) res.functions.push([f, ...d]);
  for (const l of patternLines(sf, new RegExp(req.pattern, 'gm'))) res.pattern.push([f, l]);
  for (const l of imports(sf, req.module)) res.imports.push([f, l]);
}
process.stdout.write(JSON.stringify(res));
