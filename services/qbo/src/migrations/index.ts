import { createIndexesMigration, type Migration } from '@qbsync/platform';

import { EXCLUSIVE_CLAIM_MODEL, exclusiveClaimSchema } from '../common/exclusive-claim.schema';
import { QBO_CONNECTION_MODEL, qboConnectionSchema } from '../connection/qbo-connection.schema';
import { ENTITY_REFERENCE_MODEL, entityReferenceSchema } from '../matching/entity-reference.schema';
import {
  POSTING_LEDGER_MODEL,
  POSTING_OUTCOME_MODEL,
  postingLedgerSchema,
  postingOutcomeSchema,
} from '../posting/posting-ledger.schema';

/** The qbo service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const qboMigrations: Migration[] = [
  createIndexesMigration(
    '2026-12-04-001-posting-ledger-indexes',
    'Creates the posting ledger, posting outcomes, exclusive claims, entity references and QuickBooks connections collections and their indexes',
    [
      { name: POSTING_LEDGER_MODEL, schema: postingLedgerSchema },
      { name: POSTING_OUTCOME_MODEL, schema: postingOutcomeSchema },
      { name: EXCLUSIVE_CLAIM_MODEL, schema: exclusiveClaimSchema },
      { name: ENTITY_REFERENCE_MODEL, schema: entityReferenceSchema },
      { name: QBO_CONNECTION_MODEL, schema: qboConnectionSchema },
    ],
  ),
];
