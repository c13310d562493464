/** `tdl worklogs --test <id>`: reads the playbook's history store and prints one test's history. */
import { loadPlaybook, locatePlaybook } from '../playbook/load.js';
import { printJson } from '../telemetry/outlet.js';
import { Redactor } from '../telemetry/redact.js';
import { readTestHistory } from './store.js';
import { findTest, renderTestView, testView } from './test-view.js';

export async function showTestHistory(flags: {
  playbook?: string;
  /** `--limit`, parsed by the command line. */
  limit: number;
  json?: boolean;
  test?: string;
}): Promise<void> {
  const limit = flags.limit;
  const playbook = loadPlaybook(locatePlaybook(flags.playbook));
  const history = readTestHistory(playbook.worklogDir, playbook.name, limit);
  const id = findTest(history, flags.test ?? '');
  const view = testView(history, id, playbook.flaky);
  const redactor = Redactor.fromEnv(playbook.redact.env, process.env);
  if (flags.json) printJson(view, redactor);
  else process.stdout.write(redactor.redact(`${renderTestView(view)}\n`));
}
