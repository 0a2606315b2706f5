import * as path from 'node:path';

import { DEFAULT_FIXTURES_DIR, QBO_SCHEMA_FILE } from '../../config/sandbox.config';
import { findUnknownProperty } from './property-check';
import { XsdCatalogue } from './xsd-catalogue';

const catalogue = XsdCatalogue.load(path.join(DEFAULT_FIXTURES_DIR, QBO_SCHEMA_FILE));

describe(XsdCatalogue.name, () => {
  describe('propertiesOf', () => {
    it('includes inherited properties of SalesReceipt', () => {
      const properties = catalogue.propertiesOf('SalesReceipt');

      expect(properties?.has('LessCIS')).toBe(true);
      expect(properties?.has('CustomerRef')).toBe(true);
      expect(properties?.has('DocNumber')).toBe(true);
      expect(properties?.has('SyncToken')).toBe(true);
      expect(properties?.has('sparse')).toBe(true);
      expect(properties?.get('Line')).toBe('Line');
    });

    it('reads Customer from the names schema', () => {
      const properties = catalogue.propertiesOf('Customer');

      expect(properties?.has('DisplayName')).toBe(true);
      expect(properties?.has('GivenName')).toBe(true);
      expect(properties?.has('Id')).toBe(true);
    });

    it('gives simple-content types a value property', () => {
      const properties = catalogue.propertiesOf('ReferenceType');

      expect([...(properties?.keys() ?? [])].sort()).toEqual(['name', 'type', 'value']);
    });

    it('expands element groups', () => {
      expect(catalogue.propertiesOf('LinkedTxn')?.has('TxnId')).toBe(true);
    });

    it('treats xs:any types as open', () => {
      expect(catalogue.propertiesOf('IntuitAnyType')).toBeUndefined();
    });
  });

  describe('enumeration', () => {
    it('lists line detail types', () => {
      expect(catalogue.enumeration('LineDetailTypeEnum')).toEqual(
        expect.arrayContaining(['SalesItemLineDetail', 'DiscountLineDetail', 'SubTotalLineDetail']),
      );
    });
  });
});

describe('findUnknownProperty', () => {
  it('accepts a valid sales receipt', () => {
    const receipt = {
      CustomerRef: { value: '1', name: 'A' },
      Line: [
        {
          Amount: 10,
          DetailType: 'SalesItemLineDetail',
          SalesItemLineDetail: { ItemRef: { value: '2' }, Qty: 1, UnitPrice: 10 },
        },
      ],
      TxnTaxDetail: { TotalTax: 1 },
    };

    expect(findUnknownProperty(catalogue, 'SalesReceipt', receipt)).toBeUndefined();
  });

  it('reports a top-level property', () => {
    expect(findUnknownProperty(catalogue, 'Customer', { DisplayName: 'A', Nickname: 'B' })).toEqual(
      {
        typeName: 'Customer',
        property: 'Nickname',
        path: 'Nickname',
      },
    );
  });

  it('reports a nested property with its path', () => {
    const receipt = {
      Line: [{ Amount: 1 }, { SalesItemLineDetail: { Quantity: 2 } }],
    };

    expect(findUnknownProperty(catalogue, 'SalesReceipt', receipt)).toEqual({
      typeName: 'SalesItemLineDetail',
      property: 'Quantity',
      path: 'Line[1].SalesItemLineDetail.Quantity',
    });
  });
});
