import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type InventoryAdjustment } from '@qbsync/contracts';
import { fixturePath } from '@qbsync/testing';

import { messageSet, wrapRequest } from '../qbxml/qbxml-requests';
import {
  adjustmentEntryId,
  buildAdjustmentEntry,
  type MatchedAdjustmentLine,
} from './inventory-adjustment-entry';

const schema = fixturePath('qbxml/schemas/qbxmlops130.xsd');
const companyFile = { defaultAccount: 'Inventory Adjustments', homeCurrency: 'USD' };

function adjustment(changes: Partial<InventoryAdjustment> = {}): InventoryAdjustment {
  return {
    schemaVersion: 1,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'custom',
    adjustmentId: 'ADJ-7',
    date: '2026-11-30',
    memo: 'Stock count & damage <back room>',
    lines: [
      { sku: 'IPOD2008GREEN', quantityDifference: -2 },
      { sku: 'IPOD2008BLACK', newQuantity: 14 },
    ],
    source: { kind: 'push', receivedAt: '2026-12-01T09:00:00Z', rawRef: 'custom:adj:ADJ-7' },
    ...changes,
  };
}

const matched: MatchedAdjustmentLine[] = [
  { itemName: 'iPods:IPOD2008GREEN', itemSource: 'line 1', quantityDifference: -2 },
  { itemName: 'IPOD2008BLACK', itemSource: 'line 2', newQuantity: 14 },
];

function queued(result: ReturnType<typeof buildAdjustmentEntry>) {
  if (result.outcome !== 'queued') {
    throw new Error(`expected a queued entry, got: ${result.message}`);
  }

  return result;
}

describe('buildAdjustmentEntry', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'qbxml-adjustment-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function validate(name: string, body: string): void {
    const file = path.join(dir, `${name}.xml`);

    writeFileSync(file, messageSet([wrapRequest('InventoryAdjustmentAdd', '1', body)], '13.0'));
    try {
      execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');

      throw new Error(`${name} does not validate:\n${stderr}\n${body}`);
    }
  }

  it('renders difference and new quantity lines', () => {
    const { entry } = queued(buildAdjustmentEntry(adjustment(), matched, companyFile));

    expect(entry.body).toBe(
      '<InventoryAdjustmentAdd>' +
        '<AccountRef><FullName>Inventory Adjustments</FullName></AccountRef>' +
        '<TxnDate>2026-11-30</TxnDate><RefNumber>ADJ-7</RefNumber>' +
        '<Memo>Inventory adjustment ADJ-7 from custom: Stock count &amp; damage &lt;back room&gt;</Memo>' +
        '<InventoryAdjustmentLineAdd><ItemRef><FullName>iPods:IPOD2008GREEN</FullName></ItemRef>' +
        '<QuantityAdjustment><QuantityDifference>-2</QuantityDifference></QuantityAdjustment>' +
        '</InventoryAdjustmentLineAdd>' +
        '<InventoryAdjustmentLineAdd><ItemRef><FullName>IPOD2008BLACK</FullName></ItemRef>' +
        '<QuantityAdjustment><NewQuantity>14</NewQuantity></QuantityAdjustment>' +
        '</InventoryAdjustmentLineAdd>' +
        '</InventoryAdjustmentAdd>',
    );
    validate('difference-and-new-quantity', entry.body);
  });

  it('validates with a site and a long id', () => {
    const sited = adjustment({
      adjustmentId: 'count-2026-11-30-back-room',
      account: 'Shrinkage',
      lines: [
        { sku: 'IPOD2008GREEN', quantityDifference: 3, inventorySite: 'B30' },
        { sku: 'IPOD2008BLACK', newQuantity: 0, inventorySite: 'B30' },
      ],
    });
    const { entry, site } = queued(buildAdjustmentEntry(sited, matched, companyFile));

    expect(site).toBe('B30');
    expect(entry.body).toContain('<InventorySiteRef><FullName>B30</FullName></InventorySiteRef>');
    expect(entry.body).toContain('<AccountRef><FullName>Shrinkage</FullName></AccountRef>');
    expect(entry.body).not.toContain('<RefNumber>');
    expect(entry.features).toEqual(['inventorySites']);
    expect(entry.origin?.notes).toEqual([
      "the adjustment id is longer than QuickBooks' 11-character reference number, so it is in the memo only",
    ]);
    validate('site-and-long-id', entry.body);
  });

  it('keys the entry by adjustment id', () => {
    const { entry } = queued(buildAdjustmentEntry(adjustment(), matched, companyFile));

    expect(entry._id).toBe('account-1|inventory-adjustment|custom|ADJ-7');
    expect(entry._id).toBe(adjustmentEntryId(adjustment({ memo: 'a later revision' })));
    expect(entry.requestName).toBe('InventoryAdjustmentAdd');
    expect(entry.lookup).toEqual({
      txnType: 'InventoryAdjustment',
      refNumber: 'ADJ-7',
      txnDate: '2026-11-30',
      memoStamp: 'Inventory adjustment ADJ-7 from custom',
    });
    expect(entry.origin).toMatchObject({ entity: 'inventory', entityId: 'ADJ-7', currency: 'USD' });
  });

  it('references the account, items and site', () => {
    const sited = adjustment({
      lines: [{ sku: 'IPOD2008GREEN', quantityDifference: 3, inventorySite: 'B30' }],
    });
    const { entry } = queued(buildAdjustmentEntry(sited, matched.slice(0, 1), companyFile));

    expect(entry.references).toEqual([
      {
        listType: 'Account',
        name: 'Inventory Adjustments',
        source: 'the inventory adjustment account setting',
      },
      { listType: 'Item', name: 'iPods:IPOD2008GREEN', source: 'line 1' },
      {
        listType: 'InventorySite',
        name: 'B30',
        source: 'the InventorySite of inventory adjustment ADJ-7',
      },
    ]);
  });

  it('fails lines at different sites', () => {
    const split = adjustment({
      lines: [
        { sku: 'IPOD2008GREEN', quantityDifference: 3, inventorySite: 'B30' },
        { sku: 'IPOD2008BLACK', newQuantity: 0 },
      ],
    });
    const result = buildAdjustmentEntry(split, matched, companyFile);

    expect(result).toEqual({
      outcome: 'failed',
      message:
        'Inventory adjustment ADJ-7 has lines at site B30, no site, but a QuickBooks Desktop inventory adjustment is for one inventory site',
      fix: 'Send one adjustment per inventory site from the store, each with its own AdjustmentId',
    });
  });
});
