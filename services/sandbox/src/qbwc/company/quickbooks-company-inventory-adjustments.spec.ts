import { fieldOf } from './company-lists';
import { seedCompany } from './company-seed';
import { type QuickBooksCompany } from './quickbooks-company';

function message(...requests: string[]): string {
  return `<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">${requests.join('')}</QBXMLMsgsRq></QBXML>`;
}

function statusOf(response: string, requestId: string): { code: number; message: string } {
  const match = new RegExp(
    `requestID="${requestId}" statusCode="(\\d+)" statusSeverity="\\w+" statusMessage="([^"]*)"`,
  ).exec(response);

  if (!match) {
    throw new Error(`no response ${requestId} in ${response}`);
  }

  return { code: Number(match[1]), message: match[2]! };
}

function adjustment(
  id: string,
  lines: string[],
  header = '<AccountRef><FullName>Inventory Adjustment</FullName></AccountRef>',
): string {
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
      message(adjustment('1', ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'])),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(response).toContain('<InventoryAdjustmentRet>');
    expect(onHand(company, 'IPOD2008GREEN')).toBe('8');
  });

  it('sets a new quantity', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      message(adjustment('1', ['IPOD2008BLACK|<NewQuantity>14</NewQuantity>'])),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(onHand(company, 'IPOD2008BLACK')).toBe('14');
  });

  it('rejects an unknown item with 3140', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      message(
        adjustment('1', [
          'IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>',
          'NOSUCHSKU|<QuantityDifference>1</QuantityDifference>',
        ]),
      ),
    );

    expect(statusOf(response, '1').code).toBe(3140);
    expect(statusOf(response, '1').message).toContain('Item &quot;NOSUCHSKU&quot;');
    expect(onHand(company, 'IPOD2008GREEN')).toBe('10');
  });

  it('rejects a non-inventory item with 3140', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      message(adjustment('1', ['Gift Wrap|<QuantityDifference>1</QuantityDifference>'])),
    );

    expect(statusOf(response, '1').code).toBe(3140);
    expect(statusOf(response, '1').message).toContain('is not an inventory item');
  });

  it('rejects an unknown account with 3140', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      message(
        adjustment(
          '1',
          ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'],
          '<AccountRef><FullName>Inventory Adjustments</FullName></AccountRef>',
        ),
      ),
    );

    expect(statusOf(response, '1').code).toBe(3140);
    expect(statusOf(response, '1').message).toContain('Account &quot;Inventory Adjustments&quot;');
    expect(onHand(company, 'IPOD2008GREEN')).toBe('10');
  });

  it('rejects a site without the feature with 3250', () => {
    const company = companyWithStock();
    const { response } = company.processMessage(
      message(
        adjustment(
          '1',
          ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'],
          '<AccountRef><FullName>Inventory Adjustment</FullName></AccountRef><InventorySiteRef><FullName>B30</FullName></InventorySiteRef>',
        ),
      ),
    );

    expect(statusOf(response, '1').code).toBe(3250);
  });

  it('rejects an unknown site with 3140', () => {
    const company = companyWithStock({ inventorySites: true });
    const { response } = company.processMessage(
      message(
        adjustment(
          '1',
          ['IPOD2008GREEN|<QuantityDifference>-2</QuantityDifference>'],
          '<AccountRef><FullName>Inventory Adjustment</FullName></AccountRef><InventorySiteRef><FullName>Annex</FullName></InventorySiteRef>',
        ),
      ),
    );

    expect(statusOf(response, '1').code).toBe(3140);
    expect(statusOf(response, '1').message).toContain('&quot;Annex&quot;');
  });

  it('accepts a known site', () => {
    const company = companyWithStock({ inventorySites: true });
    const { response } = company.processMessage(
      message(
        adjustment(
          '1',
          ['IPOD2008GREEN|<QuantityDifference>5</QuantityDifference>'],
          '<AccountRef><FullName>Inventory Adjustment</FullName></AccountRef><InventorySiteRef><FullName>B30</FullName></InventorySiteRef>',
        ),
      ),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(onHand(company, 'IPOD2008GREEN')).toBe('15');
  });
});
