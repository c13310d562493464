// Rewrites the generated reference pages (docs/cli.md, docs/playbook.md, docs/errors.md) from the built sources.
// `npm run docs`; test/unit/docs-generated.test.ts fails while they are stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { cliReference, errorReference } = await import(join(root, 'dist/cli/reference.js'));
const { playbookReference } = await import(join(root, 'dist/playbook/reference.js'));
writeFileSync(join(root, 'docs/cli.md'), cliReference());
writeFileSync(join(root, 'docs/playbook.md'), playbookReference());
writeFileSync(join(root, 'docs/errors.md'), errorReference());
console.log('wrote docs/cli.md, docs/playbook.md and docs/errors.md');
