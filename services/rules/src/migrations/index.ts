import { createIndexesMigration, type Migration } from '@qbsync/platform';

import {
  RECEIVED_ORDER_MODEL,
  receivedOrderSchema,
} from '../received-orders/received-order.schema';
import { RULE_HIT_MODEL, ruleHitSchema } from '../rule-hits/rule-hit.schema';
import {
  LEGACY_RULE_SET_MODEL,
  legacyRuleSetSchema,
  RULE_SET_CHUNK_MODEL,
  RULE_SET_HEAD_MODEL,
  ruleSetHeadSchema,
  ruleSetChunkSchema,
  RULE_SET_VERSION_MODEL,
  ruleSetVersionId,
  ruleSetVersionSchema,
} from '../rule-sets/rule-set.schema';

const DUPLICATE_KEY = 11000;

/** The rules service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const rulesMigrations: Migration[] = [
  createIndexesMigration(
    '2026-12-04-001-rule-set-indexes',
    'Creates the rule_sets collection and its unique accountId index',
    [{ name: LEGACY_RULE_SET_MODEL, schema: legacyRuleSetSchema }],
  ),
  createIndexesMigration(
    '2026-12-04-002-rule-set-version-indexes',
    'Creates the rule_set_versions collection and its accountId/version index',
    [{ name: RULE_SET_VERSION_MODEL, schema: ruleSetVersionSchema }],
  ),
  {
    id: '2026-12-04-003-copy-rule-sets-to-versions',
    description:
      'Copies each rule_sets document (target and version, no rules) into rule_set_versions',
    async up(connection) {
      const legacy = connection.collection('rule_sets');
      const versions = connection.collection('rule_set_versions');

      for await (const document of legacy.find({})) {
        try {
          await versions.insertOne({
            _id: ruleSetVersionId(document.accountId, document.version),
            accountId: document.accountId,
            target: document.target,
            version: document.version,
            updatedAt: document.updatedAt,
            rules: [],
            change: `set target ${document.target}`,
          } as never);
        } catch (error) {
          // A repeated run finds the copy it made before.
          if ((error as { code?: number }).code !== DUPLICATE_KEY) {
            throw error;
          }
        }
      }
    },
  },
  createIndexesMigration(
    '2026-12-04-004-rule-set-head-indexes',
    'Creates the rule_set_heads collection and its accountId/version index',
    [{ name: RULE_SET_HEAD_MODEL, schema: ruleSetHeadSchema }],
  ),
  {
    id: '2026-12-04-005-rule-set-heads',
    description: 'Inserts the head of every rule_set_versions document that has none',
    async up(connection) {
      const versions = connection.collection('rule_set_versions');
      const heads = connection.collection('rule_set_heads');

      for await (const version of versions.find({})) {
        try {
          await heads.insertOne({
            _id: version._id,
            accountId: version.accountId,
            target: version.target,
            version: version.version,
            updatedAt: version.updatedAt,
            change: version.change,
            ruleCount: (version.rules as unknown[]).length,
          } as never);
        } catch (error) {
          // A repeated run finds the head it inserted before.
          if ((error as { code?: number }).code !== DUPLICATE_KEY) {
            throw error;
          }
        }
      }
    },
  },
  createIndexesMigration(
    '2026-12-04-006-received-order-indexes',
    'Creates the received_orders collection kept for rule preview and replay',
    [{ name: RECEIVED_ORDER_MODEL, schema: receivedOrderSchema }],
  ),
  createIndexesMigration(
    '2026-12-04-007-rule-hit-indexes',
    'Creates the rule_hits collection of hourly rule hit counts',
    [{ name: RULE_HIT_MODEL, schema: ruleHitSchema }],
  ),
  createIndexesMigration(
    '2026-12-04-008-rule-set-chunks',
    'Creates the rule_set_chunks collection for rule sets too large for one document',
    [{ name: RULE_SET_CHUNK_MODEL, schema: ruleSetChunkSchema }],
  ),
];
