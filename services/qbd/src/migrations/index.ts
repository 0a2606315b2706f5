import { createIndexesMigration, type Migration } from '@qbsync/platform';

import { COMPANY_FILE_MODEL, companyFileSchema } from '../company/company-file.schema';
import { LIST_ENTRY_MODEL, listEntrySchema } from '../lists/list-entry.schema';
import {
  QUEUE_ENTRY_MODEL,
  QUEUE_PAYLOAD_MODEL,
  queueEntrySchema,
  queuePayloadSchema,
} from '../queue/queue-entry.schema';
import { QUEUE_RESULT_MODEL, queueResultSchema } from '../queue/queue-result.schema';
import {
  SESSION_LOCK_MODEL,
  SESSION_MODEL,
  sessionLockSchema,
  sessionSchema,
} from '../session/session.schema';

/** The qbd service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const qbdMigrations: Migration[] = [
  createIndexesMigration(
    '2026-12-04-001-qbd-indexes',
    'Creates the company file, queue, queue payload, queue result, list copy, session and session lock collections and their indexes',
    [
      { name: COMPANY_FILE_MODEL, schema: companyFileSchema },
      { name: QUEUE_ENTRY_MODEL, schema: queueEntrySchema },
      { name: QUEUE_PAYLOAD_MODEL, schema: queuePayloadSchema },
      { name: QUEUE_RESULT_MODEL, schema: queueResultSchema },
      { name: LIST_ENTRY_MODEL, schema: listEntrySchema },
      { name: SESSION_MODEL, schema: sessionSchema },
      { name: SESSION_LOCK_MODEL, schema: sessionLockSchema },
    ],
  ),
];
