"""Ground truth for `tdl audit` on Python files, from Python's own parser (ast) and tokenizer.

Reads a JSON request on stdin: {"root": dir, "files": [...], "names": regex, "maxLines": n,
"pattern": regex, "module": "a.b"} and prints, per rule kind, the sites the audit must report:
  definitions: [file, line, qualified name, kind]  (classes at any depth, named by their
               qualification; enums: classes with a base named Enum/…Enum/…Choices/Flag/IntFlag,
               and module-level X = …Enum("X", ...))
  functions:   [file, start line, lines]           (def/async def longer than maxLines)
  pattern:     [file, line]                        (regex matches wholly outside strings/comments)
  imports:     [file, line]                        (imports of `module` or its submodules, in every form)
  bindings:    [file, line, name, target]          (module-level statements binding a matching name
               to another: `X = Y` / `X = a.Y`, `from m import Y as X`, `from m import X` with X
               in `__all__`; the target is the bound name's last part)
Files the parser cannot read (syntax errors) are listed in "unparsed" and left out.
"""
import ast
import io
import json
import re
import sys
import tokenize

ENUM_BASE = re.compile(r"(?:^|\.)(?:\w*Enum|\w*Choices|Flag|IntFlag)$")


def base_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = base_name(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    if isinstance(node, ast.Subscript):
        return base_name(node.value)
    return ""


def definitions(tree, names):
    out = []

    def visit(node, qual):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                q = qual + [child.name]
                if names.fullmatch(child.name):
                    enum = any(ENUM_BASE.search(base_name(b)) for b in child.bases)
                    out.append([child.lineno, ".".join(q), "enum" if enum else "class"])
                visit(child, q)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, qual + [child.name])
            else:
                visit(child, qual)

    visit(tree, [])
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and base_name(stmt.value.func).split(".")[-1].endswith("Enum")
            and stmt.col_offset == 0
            and names.fullmatch(stmt.targets[0].id)
        ):
            out.append([stmt.lineno, stmt.targets[0].id, "enum"])
    return out


def bindings(tree, names):
    exported = set()
    for stmt in tree.body:
        targets = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets = [stmt.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
            stmt.value, (ast.List, ast.Tuple)
        ):
            exported.update(e.value for e in stmt.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    out = []
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.Name, ast.Attribute))
            and names.fullmatch(stmt.targets[0].id)
        ):
            target = base_name(stmt.value).split(".")[-1]
            if target and target not in ("None", "True", "False", "NotImplemented", "Ellipsis"):
                out.append([stmt.lineno, stmt.targets[0].id, target])
        elif isinstance(stmt, ast.ImportFrom):
            for a in stmt.names:
                bound = a.asname or a.name
                if names.fullmatch(bound) and (a.asname or bound in exported):
                    out.append([stmt.lineno, bound, a.name])
    return out


def functions(tree, max_lines):
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # From the `def` line (decorators are not the function's lines, as tdl counts).
            start = node.lineno
            length = node.end_lineno - start + 1
            if length > max_lines:
                out.append([start, length])
    return out


def line_starts(text):
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def code_spans(text):
    """(start, end) offsets of STRING and COMMENT tokens: what is not code."""
    starts = line_starts(text)
    spans = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.STRING, tokenize.COMMENT):
            a = starts[tok.start[0] - 1] + tok.start[1]
            b = starts[tok.end[0] - 1] + tok.end[1]
            spans.append((a, b))
    return spans


def field_spans(text, tree):
    """(start, end) offsets of the expressions in f-string replacement fields: code inside a STRING
    token (Python < 3.12 tokenizes a whole f-string as one STRING; from 3.12 its fields are tokens)."""
    starts = line_starts(text)
    lines = text.splitlines(keepends=True)

    def offset(lineno, col):
        # ast columns count UTF-8 bytes.
        line = lines[lineno - 1]
        return starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))

    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and getattr(node.value, "end_lineno", None):
            v = node.value
            spans.append((offset(v.lineno, v.col_offset), offset(v.end_lineno, v.end_col_offset)))
    return spans


def pattern_lines(text, pattern, tree):
    spans = code_spans(text)
    fields = field_spans(text, tree)
    out = []
    for m in pattern.finditer(text):
        a, b = m.start(), m.end()
        in_field = any(s <= a and b <= e for s, e in fields)
        if not in_field and any(s < b and a < e for s, e in spans):
            continue
        out.append(text.count("\n", 0, a) + 1)
    return out


def imports(tree, module):
    def under(name):
        return name == module or name.startswith(module + ".")

    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(under(a.name) for a in node.names):
                out.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if under(node.module) or any(under(f"{node.module}.{a.name}") for a in node.names):
                out.append(node.lineno)
        elif isinstance(node, ast.Call) and base_name(node.func).split(".")[-1] in ("import_module", "__import__"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                if under(node.args[0].value):
                    out.append(node.lineno)
    return out


def main():
    req = json.load(sys.stdin)
    names = re.compile(req["names"])
    pattern = re.compile(req["pattern"], re.M)
    res = {"definitions": [], "functions": [], "pattern": [], "imports": [], "bindings": [], "unparsed": []}
    for f in req["files"]:
        with open(f"{req['root']}/{f}", encoding="utf-8", errors="surrogateescape") as fh:
            text = fh.read()
        try:
            tree = ast.parse(text)
            res["pattern"] += [[f, ln] for ln in pattern_lines(text, pattern, tree)]
        except (SyntaxError, ValueError, tokenize.TokenError):
            res["unparsed"].append(f)
            continue
        res["definitions"] += [[f, *d] for d in definitions(tree, names)]
        res["functions"] += [[f, *d] for d in functions(tree, req["maxLines"])]
        res["bindings"] += [[f, *b] for b in bindings(tree, names)]
        res["imports"] += [[f, ln] for ln in imports(tree, req["module"])]
    json.dump(res, sys.stdout)


main()
