/**
 * What `tdl init` finds in a repository: test suites per ecosystem, each with the reporter flags that
 * make it write a report tdl reads. Pure: it gets a view of the files and returns suggestions.
 */

export interface RepoView {
  /** True when the file exists (path relative to the repository root). */
  exists(path: string): boolean;
  /** The file's text, or undefined. */
  read(path: string): string | undefined;
}

export interface SuggestedSuite {
  id: string;
  tier: number;
  categories: string[];
  command: string[];
  report?: { format: 'junit' | 'jest-json' | 'go-json'; path: string };
  /** Why this suite was suggested, written as a comment above it. */
  why: string;
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const anyOf = (view: RepoView, names: string[]) => names.find((n) => view.exists(n));

function configFile(view: RepoView, base: string): string | undefined {
  return anyOf(
    view,
    ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((ext) => `${base}.${ext}`),
  );
}

function nodeSuites(view: RepoView): SuggestedSuite[] {
  const text = view.read('package.json');
  if (text === undefined) return [];
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(text) as PackageJson;
  } catch {
    return [];
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const testScript = pkg.scripts?.test ?? '';
  const out: SuggestedSuite[] = [];
  const vitestConfig = configFile(view, 'vitest.config') ?? configFile(view, 'vite.config');
  if (deps.vitest || /\bvitest\b/.test(testScript)) {
    out.push({
      id: 'vitest',
      tier: 1,
      categories: ['unit'],
      command: ['npx', 'vitest', 'run', '--reporter=junit', '--outputFile={reportDir}/vitest.xml'],
      report: { format: 'junit', path: '{reportDir}/vitest.xml' },
      why: `vitest ${deps.vitest ? 'in package.json' : 'in the test script'}${vitestConfig ? `, config ${vitestConfig}` : ''}`,
    });
  }
  if (deps.jest || /\bjest\b/.test(testScript)) {
    out.push({
      id: 'jest',
      tier: 1,
      categories: ['unit'],
      command: ['npx', 'jest', '--ci', '--json', '--outputFile={reportDir}/jest.json'],
      report: { format: 'jest-json', path: '{reportDir}/jest.json' },
      why: `jest ${deps.jest ? 'in package.json' : 'in the test script'}${configFile(view, 'jest.config') ? `, config ${configFile(view, 'jest.config')}` : ''}`,
    });
  }
  if (deps.mocha || /\bmocha\b/.test(testScript)) {
    out.push({
      id: 'mocha',
      tier: 1,
      categories: ['unit'],
      command: ['npx', 'mocha', '--reporter', 'xunit', '--reporter-option', 'output={reportDir}/mocha.xml'],
      report: { format: 'junit', path: '{reportDir}/mocha.xml' },
      why: `mocha ${deps.mocha ? 'in package.json' : 'in the test script'}${anyOf(view, ['.mocharc.yml', '.mocharc.yaml', '.mocharc.json', '.mocharc.js', '.mocharc.cjs']) ? ', .mocharc found' : ''}`,
    });
  }
  const nodeTest = /\bnode\s+(?:[^|&;]*\s)?--test\b/.exec(testScript);
  if (nodeTest) {
    const args = testScript
      .slice(nodeTest.index)
      .split(/\s+/)
      .slice(1)
      .filter((a) => a && !a.startsWith('--test'));
    out.push({
      id: 'node-test',
      tier: 1,
      categories: ['unit'],
      command: [
        'node',
        '--test',
        '--test-reporter=junit',
        '--test-reporter-destination={reportDir}/node-test.xml',
        ...args,
      ],
      report: { format: 'junit', path: '{reportDir}/node-test.xml' },
      why: 'node --test in the test script',
    });
  }
  if (out.length === 0 && testScript && !/no test specified/.test(testScript)) {
    out.push({
      id: 'npm-test',
      tier: 1,
      categories: ['unit'],
      command: ['npm', 'test'],
      why: 'the test script in package.json (no report format known: judged by exit code)',
    });
  }
  return out;
}

function pythonSuites(view: RepoView): SuggestedSuite[] {
  const pyproject = view.read('pyproject.toml') ?? '';
  const reasons = [
    view.exists('pytest.ini') && 'pytest.ini',
    /\[tool\.pytest/.test(pyproject) && 'pyproject.toml [tool.pytest]',
    view.exists('conftest.py') && 'conftest.py',
    /\[tool:pytest\]/.test(view.read('setup.cfg') ?? '') && 'setup.cfg [tool:pytest]',
    view.exists('tox.ini') && /\[pytest\]/.test(view.read('tox.ini') ?? '') && 'tox.ini [pytest]',
  ].filter(Boolean);
  if (reasons.length === 0) return [];
  return [
    {
      id: 'pytest',
      tier: 1,
      categories: ['unit'],
      command: ['python3', '-m', 'pytest', '--junitxml={reportDir}/pytest.xml', '-o', 'junit_family=xunit2'],
      report: { format: 'junit', path: '{reportDir}/pytest.xml' },
      why: `pytest: ${reasons.join(', ')}`,
    },
  ];
}

function goSuites(view: RepoView): SuggestedSuite[] {
  if (!view.exists('go.mod')) return [];
  return [
    {
      id: 'go-test',
      tier: 1,
      categories: ['unit'],
      // go test -json writes to stdout; sh redirects it into the report folder tdl gives every suite.
      command: ['sh', '-c', 'go test -json ./... > "$TDL_REPORT_DIR/go-test.json"'],
      report: { format: 'go-json', path: '{reportDir}/go-test.json' },
      why: 'go.mod',
    },
  ];
}

/** Every suite tdl can suggest for the repository. */
export function detectSuites(view: RepoView): SuggestedSuite[] {
  return [...nodeSuites(view), ...pythonSuites(view), ...goSuites(view)];
}

/** `owner/name` from a GitHub remote URL (https or ssh), or undefined. */
export function githubRepoFromRemote(url: string): string | undefined {
  const m = /github\.com[:/]+([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}
