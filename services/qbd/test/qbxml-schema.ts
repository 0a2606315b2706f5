import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { fixturePath } from '@qbsync/testing';

import { messageSet, wrapRequest } from '../src/qbxml/qbxml-requests';

/**
 * Validates queued request bodies with `xmllint` against the qbXML 13.0 schema, as one message
 * set with a placeholder TxnID where a dependency's TxnID goes. Throws with xmllint's output.
 */
export function validateQbxml(entries: ReadonlyArray<{ requestName: string; body: string }>): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'qbxml-'));
  const file = path.join(dir, 'message.xml');
  const xml = messageSet(
    entries.map((entry, index) =>
      wrapRequest(
        entry.requestName,
        String(index),
        entry.body.replace(/\{\{TxnID:[^}]+\}\}/g, '1-1'),
      ),
    ),
    '13.0',
  );

  writeFileSync(file, xml);

  try {
    execFileSync(
      'xmllint',
      ['--noout', '--schema', fixturePath('qbxml/schemas/qbxmlops130.xsd'), file],
      { stdio: 'pipe' },
    );
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');

    throw new Error(
      `The message does not validate against the qbXML 13.0 schema:\n${stderr}\n${xml}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
