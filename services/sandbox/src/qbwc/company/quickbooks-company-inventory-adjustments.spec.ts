import { qbxmlMessage, statusOf } from '../../../test/support/qbxml-messages';

import { fieldOf } from './company-lists';
import { seedCompany } from './company-seed';
import { type QuickBooksCompany } from './quickbooks-company';

/** The adjustment account the seeded company file has. */
const ACCOUNT_REF = '<AccountRef><FullName>Inventory Adjustment</FullName></AccountRef>';

function adjustment(id: string, lines: string[], header = ACCOUNT_REF): string {
  const body = lines
    .map(
      (line) =>
        `<InventoryAdjustmentLineAdd>${line.replace(/^(\w[^<]*?)\|(.+)$/, '<ItemRef><FullName>$1</FullName></ItemRef><QuantityAdjustment>$2</QuantityAdjustment>')}</InventoryAdjustmentLineAdd>`,
    )
    .join('');

  return `<InventoryAdjustmentAddRq requestID="${id}"><InventoryAdjustmentAdd>${header}<TxnDate>2026-11-30</TxnDate>${body}</InventoryAdjustmentAdd></InventoryAdjustmentAddRq>`;
}

function onHand(company: QuickBooksCompany, itemName: string): string | undefined {
  const item = company.findList('Item', { fullName: itemName });

  return item ? fieldOf(item, 'QuantityOnHand') : undefined;
}

function companyWithStock(features: { inventorySites?: boolean } = {}): QuickBooksCompany {
  const company = seedCompany({ features, items: ['Gift Wrap'] });

  company.addListRecord('Item', 'ItemInventoryRet', 'IPOD2008GREEN', {
    fields: [['QuantityOnHand', '10']],
  });
  company.addListRecord('Item', 'ItemInventoryRet', 'IPOD2008BLACK', {
    fields: [['QuantityOnHand', '3']],
  });

  return company;
}

describe('QuickBooksCompany inventory adjustments', () => {
  it('applies a quantity difference', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      qbxmlMessage(adjustment('1', ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'])),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(response).toContain('<InventoryAdjustmentRet>');
    expect(onHand(company, 'IPOD2008GREEN')).toBe('8');
  });

  it('sets a new quantity', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      qbxmlMessage(adjustment('1', ['IPOD2008BLACK|<NewQuantity>14</NewQuantity>'])),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(onHand(company, 'IPOD2008BLACK')).toBe('14');
  });

  it.each([
    {
      rejected: 'an unknown item',
      inventorySites: false,
      lines: [
        'IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>',
        'NOSUCHSKU|<QuantityDifference>1</QuantityDifference>',
      ],
      header: ACCOUNT_REF,
      code: 3140,
      statusMessage: 'Item &quot;NOSUCHSKU&quot;',
    },
    {
      rejected: 'a non-inventory item',
      inventorySites: false,
      lines: ['Gift Wrap|<QuantityDifference>1</QuantityDifference>'],
      header: ACCOUNT_REF,
      code: 3140,
      statusMessage: 'is not an inventory item',
    },
    {
      rejected: 'an unknown account',
      inventorySites: false,
      lines: ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'],
      header: '<AccountRef><FullName>Inventory Adjustments</FullName></AccountRef>',
      code: 3140,
      statusMessage: 'Account &quot;Inventory Adjustments&quot;',
    },
    {
      rejected: 'a site without the feature',
      inventorySites: false,
      lines: ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'],
      header: `${ACCOUNT_REF}<InventorySiteRef><FullName>B30</FullName></InventorySiteRef>`,
      code: 3250,
      statusMessage: '(inventory sites)',
    },
    {
      rejected: 'an unknown site',
      inventorySites: true,
      lines: ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'],
      header: `${ACCOUNT_REF}<InventorySiteRef><FullName>Annex</FullName></InventorySiteRef>`,
      code: 3140,
      statusMessage: '&quot;Annex&quot;',
    },
  ])('rejects $rejected with $code', ({ inventorySites, lines, header, code, statusMessage }) => {
    const company = companyWithStock({ inventorySites });
    const { response } = company.processMessage(qbxmlMessage(adjustment('1', lines, header)));

    expect(statusOf(response, '1').code).toBe(code);
    expect(statusOf(response, '1').message).toContain(statusMessage);
    expect(onHand(company, 'IPOD2008GREEN')).toBe('10');
  });

  it('accepts a known site', () => {
    const company = companyWithStock({ inventorySites: true });
    const { response } = company.processMessage(
      qbxmlMessage(
        adjustment(
          '1',
          ['IPOD2008GREEN|<QuantityDifference>5</QuantityDifference>'],
          `${ACCOUNT_REF}<InventorySiteRef><FullName>B30</FullName></InventorySiteRef>`,
        ),
      ),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(onHand(company, 'IPOD2008GREEN')).toBe('15');
  });
});
