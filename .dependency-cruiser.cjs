/**
 * The layers of tdl's source, one way only (issue #19):
 *
 *   core, telemetry  ←  playbook  ←  adapters  ←  results, audit  ←  phase-data  ←  services
 *     ←  clustering, decision, worklog, history  ←  phases  ←  pipeline  ←  cli, mcp
 *
 * A folder may import its own layer and the layers to its left. results, audit, clustering, decision,
 * worklog and history are libraries that phases use and that never import a phase, the pipeline or a
 * front end; results and audit never read phase data (it is made of their types). `src/phase-data/` is what each
 * phase leaves in the run record (its data types and their accessors). `src/services/` is what phases
 * share instead of importing each other. `src/sandbox/` (emulators, the demo) is outside the product:
 * nothing else imports it. Checked in CI (`npm run deps`, called by `.ci/run`); type-only imports
 * count, since a type drags its module's concepts along. See docs/architecture.md.
 */
const LIBRARIES = '^src/(results|audit|clustering|decision|worklog|history)/';
/** The libraries above the services (results and audit sit below phase data). */
const UPPER_LIBRARIES = '^src/(clustering|decision|worklog|history)/';
const ABOVE_PHASES = '^src/(pipeline|cli|mcp)/';

/** A rule: files matching `from` must not import files matching `to`. */
function layer(name, comment, from, to, toNot) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: { path: to, ...(toNot ? { pathNot: toNot } : {}) },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: two modules that need each other belong in one place, or a third.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      'core-is-the-bottom',
      'src/core/ and src/telemetry/ import nothing of tdl above them.',
      '^src/(core|telemetry)/',
      '^src/',
      '^src/(core|telemetry)/',
    ),
    layer(
      'playbook-below-adapters',
      'The playbook is configuration: it imports only the core.',
      '^src/playbook/',
      '^src/',
      '^src/(core|telemetry|playbook)/',
    ),
    layer(
      'adapters-below-services',
      'Adapters talk to the outside world; they know the core and the playbook, nothing that uses them.',
      '^src/adapters/',
      '^src/',
      '^src/(core|telemetry|playbook|adapters)/',
    ),
    layer(
      'phase-data-below-its-readers',
      'Phase data is read by libraries and phases; it knows only the vocabularies it is made of.',
      '^src/phase-data/',
      '^src/',
      '^src/(core|playbook|phase-data|results|audit)/|^src/adapters/[^/]+/port\\.ts$',
    ),
    layer(
      'results-and-audit-below-phase-data',
      'The test result model and the audit are what phase data is made of: they know only the layers below.',
      '^src/(results|audit)/',
      '^src/',
      '^src/(core|telemetry|playbook|adapters|results|audit)/',
    ),
    layer(
      'services-below-phases',
      'Shared services are what phases use instead of each other: they never import a phase.',
      '^src/services/',
      `^src/phases/|${UPPER_LIBRARIES}|${ABOVE_PHASES}|^src/sandbox/`,
    ),
    layer(
      'libraries-never-import-phases',
      'results, audit, clustering, decision, worklog and history are libraries the phases use, never the other way.',
      LIBRARIES,
      `^src/phases/|${ABOVE_PHASES}|^src/sandbox/`,
    ),
    layer(
      'phases-below-pipeline',
      'The pipeline walks the phases; a phase never reaches up.',
      '^src/phases/',
      ABOVE_PHASES,
    ),
    {
      name: 'phases-never-import-each-other',
      comment:
        'A phase reads earlier results from the record and shares code through src/services/ or a library, not by importing another phase.',
      severity: 'error',
      from: { path: '^src/phases/([^/]+)/' },
      to: { path: '^src/phases/[^/]+/', pathNot: '^src/phases/$1/' },
    },
    layer(
      'pipeline-below-front-ends',
      'The pipeline never imports the CLI or the MCP server.',
      '^src/pipeline/',
      '^src/(cli|mcp)/',
    ),
    layer(
      'sandbox-is-outside',
      'The emulators and the demo are not part of the product.',
      '^src/(?!sandbox/)',
      '^src/sandbox/',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
