/**
 * What a test file's text says about its tests (pure): the tests it defines, the tests it skips or
 * focuses, and the assertion calls it makes, for the runners tdl reads (vitest, jest, mocha,
 * node:test, ava, pytest/unittest, go test). Used by `tests-not-weakened` on the files changed since
 * the base. Counting is by pattern on the text with comments removed: it does not need the code to
 * build, and it is the same on both sides of a diff, so moves and reformatting cancel out.
 */

export type SourceLang = 'js' | 'py' | 'go';

/** Test files as runners find them: test folders, `*.test.*`, `*.spec.*`, `test_*.py`, `*_test.go`. */
export function testFileLang(path: string): SourceLang | null {
  const p = path.replace(/\\/g, '/');
  if (/_test\.go$/.test(p)) return 'go';
  if (/(^|\/)test_[^/]*\.py$|_test\.py$/.test(p)) return 'py';
  if (
    /\.[cm]?[jt]sx?$/.test(p) &&
    (/[._-](test|spec)\.[cm]?[jt]sx?$/.test(p) || /(^|\/)(tests?|__tests__|spec)\//.test(p))
  )
    return 'js';
  if (/\.py$/.test(p) && /(^|\/)tests?\//.test(p) && !/conftest\.py$|__init__\.py$/.test(p)) return 'py';
  return null;
}

/** The text without comments (strings kept: test names live in them). */
export function stripComments(text: string, lang: SourceLang): string {
  if (lang === 'py') return text.replace(/(^|[^'"\w])#[^\n]*/g, '$1');
  // Block comments, then line comments that are not inside a string on that line (a `//` after an
  // odd number of quotes is in a string, e.g. 'http://x').
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^([^'"`\n]*(?:(['"`])(?:\\.|(?!\2)[^\\\n])*\2[^'"`\n]*)*?)\/\/[^\n]*/gm, '$1');
}

const JS_TEST =
  /\b(?:it|test|specify)(?:\.(?:only|skip|todo|concurrent|failing))?(?:\.each\s*(?:\([^)]*\)|`[^`]*`))?\s*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
const PY_TEST = /^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)[ \t]*\(/gm;
const GO_TEST = /^func[ \t]+(Test\w+)[ \t]*\(/gm;

/** Names of the tests a file defines (in order; a name defined twice is listed twice). */
export function testNames(text: string, lang: SourceLang): string[] {
  const src = stripComments(text, lang);
  const re = lang === 'js' ? JS_TEST : lang === 'py' ? PY_TEST : GO_TEST;
  const out: string[] = [];
  for (const m of src.matchAll(re)) out.push(lang === 'js' ? m[2]! : m[1]!);
  return out;
}

const SKIPS: Record<SourceLang, RegExp> = {
  js: /\b(?:it|test|describe|specify|context|suite)\.(?:skip|only|todo|failing)\b|\b[xf](?:it|describe|test|context)\s*\(|\bthis\.skip\s*\(|\bt\.(?:skip|todo)\s*\(|\{\s*(?:skip|todo|only)\s*:\s*(?!false)/g,
  py: /@pytest\.mark\.(?:skip|skipif|xfail)\b|\bpytest\.(?:skip|xfail)\s*\(|@unittest\.(?:skip|skipIf|skipUnless|expectedFailure)\b|\bself\.skipTest\s*\(/g,
  go: /\bt\.(?:Skip|Skipf|SkipNow)\s*\(/g,
};

/** Skip, todo, xfail and focus (`.only`) markers. */
export function skipMarkers(text: string, lang: SourceLang): number {
  return [...stripComments(text, lang).matchAll(SKIPS[lang])].length;
}

const ASSERTS: Record<SourceLang, RegExp> = {
  // expect(…) (jest, vitest, chai, supertest's .expect(…)), assert(…) / assert.x(…) (node, chai),
  // x.should (should.js, chai), t.is/deepEqual/… (ava, tap).
  js: /\bexpect\s*\(|\.expect\s*\(|\bassert(?:\.\w+)*\s*\(|\.should\b|\bt\.(?:is|not|deepEqual|notDeepEqual|true|false|truthy|falsy|equal|notEqual|throws|throwsAsync|notThrows|ok|notOk|same|match|regex|snapshot|like)\s*\(/g,
  py: /^[ \t]*assert\b|\bself\.assert\w*\s*\(|\bself\.fail\s*\(|\bpytest\.(?:raises|warns|approx)\s*\(/gm,
  go: /\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(|\b(?:assert|require)\.\w+\s*\(/g,
};

/** Go helpers that take a `*testing.T` (or `*testing.B`): where Go tests keep their checks. */
export function goHelpers(text: string): string[] {
  return [...stripComments(text, 'go').matchAll(/^func[ \t]+(\w+)[ \t]*\([^)]*\*testing\.[TB]\b[^)]*\)/gm)]
    .map((m) => m[1]!)
    .filter((name) => !/^(?:Test|Benchmark|Fuzz)/.test(name));
}

/**
 * Assertion calls. In Go, checks usually live in helpers that take the `*testing.T`
 * (`expectSuccess(output, err, t)`): a call of such a helper (`helpers`, from every file compared,
 * default: the file's own) counts as an assertion too; a helper's definition does not.
 */
export function assertionCount(text: string, lang: SourceLang, helpers?: readonly string[]): number {
  const src = stripComments(text, lang);
  let n = [...src.matchAll(ASSERTS[lang])].length;
  if (lang === 'go') {
    for (const h of new Set(helpers ?? goHelpers(text))) {
      const calls = [...src.matchAll(new RegExp(`\\b${h}[ \\t]*\\(`, 'g'))].length;
      const defs = [...src.matchAll(new RegExp(`^func[ \\t]+${h}[ \\t]*\\(`, 'gm'))].length;
      n += calls - defs;
    }
  }
  return n;
}
