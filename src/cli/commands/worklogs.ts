import type { Command } from 'commander';

interface WorklogsFlags {
  playbook?: string;
  dir?: string;
  all?: boolean;
  limit: string;
  json?: boolean;
  test?: string;
}

export function register(program: Command): void {
  program
    .command('worklogs')
    .description("list a playbook's runs: pass rate per tier, failing tests, violations, decision")
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml); its worklog folder is read')
    .option('--dir <folder>', 'read this worklog folder instead (every playbook in it)')
    .option('--all', 'every playbook in the folder, not only this one')
    .option('--limit <n>', 'at most this many runs, newest first', '20')
    .option('--json', 'print the runs as one JSON document')
    .option('--test <id>', "one test's history (suite › group › name, or a unique part of it)")
    .action(async (flags: WorklogsFlags) => {
      const { parsePositiveInt } = await import('../options.js');
      if (flags.test !== undefined) {
        const { showTestHistory } = await import('../../history/command.js');
        return showTestHistory({ ...flags, limit: parsePositiveInt('--limit', flags.limit, 20) });
      }
      const { listRuns, renderRunList } = await import('../../worklog/trend.js');
      const { printHuman, printJson } = await import('../../telemetry/outlet.js');
      const { Redactor } = await import('../../telemetry/redact.js');
      const limit = parsePositiveInt('--limit', flags.limit, 20);
      let dir: string;
      let name: string | null = null;
      if (flags.dir) {
        const { resolve } = await import('node:path');
        dir = resolve(flags.dir);
      } else {
        const { loadPlaybook, locatePlaybook } = await import('../../playbook/load.js');
        const playbook = loadPlaybook(locatePlaybook(flags.playbook));
        dir = playbook.worklogDir;
        name = flags.all ? null : playbook.name;
      }
      const rows = listRuns(dir, name, limit);
      const redactor = Redactor.fromEnv([], process.env);
      if (flags.json) printJson({ dir, playbook: name, runs: rows }, redactor);
      else printHuman(renderRunList(dir, name, rows), redactor, process.stdout);
    });
}
