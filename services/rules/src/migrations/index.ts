import { createIndexesMigration, type Migration } from '@qbsync/platform';

import { RULE_SET_MODEL, ruleSetSchema } from '../rule-sets/rule-set.schema';

/** The rules service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const rulesMigrations: Migration[] = [
  createIndexesMigration(
    '2026-12-04-001-rule-set-indexes',
    'Creates the rule_sets collection and its unique accountId index',
    [{ name: RULE_SET_MODEL, schema: ruleSetSchema }],
  ),
];
