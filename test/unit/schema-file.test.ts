import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../../src/playbook/schema.js';

describe('schemas/playbook.schema.json', () => {
  it('is the schema tdl derives from its zod schema (regenerate with `npm run schema`)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../schemas/playbook.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(playbookJsonSchema());
  });
});
