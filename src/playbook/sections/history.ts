// Owned by the test history (src/history/). Keys: flaky, quarantine.
import * as z from 'zod';

export const flakySchema = z
  .strictObject({
    window: z.int().min(2).max(200).default(20).meta({ description: 'Runs a test is judged over.' }),
    retryPasses: z.int().min(1).default(2).meta({
      description:
        'Runs in the window where its outcome changed between attempts (passed on a retry) that make it flaky.',
    }),
    flips: z.int().min(1).default(3).meta({
      description:
        'Changes between pass and fail from one run to the next, in the window, that make it flaky.',
    }),
    broken: z
      .strictObject({
        after: z.int().min(1).default(3).meta({
          description:
            'Consecutive runs failing on every attempt that make a test broken (not flaky; quarantine does not hide it).',
        }),
      })
      .prefault({}),
  })
  .prefault({})
  .meta({ description: 'How a test is judged healthy, flaky or broken from its history.' });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?$/, { message: 'expected a date like "2026-12-31"' });

export const quarantineEntrySchema = z.strictObject({
  test: z.string().min(1).meta({
    description:
      'A test id as the worklogs write it (`suite › group › name`) or a glob over it (`*` any text).',
  }),
  reason: z.string().min(1),
  owner: z.string().min(1),
  until: isoDate.meta({ description: 'Last day the entry holds (UTC); after it the test counts again.' }),
});

export const quarantineSchema = z.array(quarantineEntrySchema).default([]).meta({
  description:
    'Tests that still run and are reported, whose failures do not count in gates or the decision until `until`.',
});

export type FlakyPlaybookConfig = z.output<typeof flakySchema>;
export type QuarantineEntry = z.output<typeof quarantineEntrySchema>;
