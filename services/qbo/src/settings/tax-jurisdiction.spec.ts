import { pickJurisdictionTaxCode, type TaxJurisdiction } from './tax-jurisdiction';

const rows: TaxJurisdiction[] = [
  { taxCode: 'US-DEFAULT', country: 'US' },
  { taxCode: 'WI', country: 'US', state: 'WI' },
  { taxCode: 'WI-DANE', country: 'US', state: 'WI', county: 'Dane County' },
  { taxCode: 'WI-MADISON', country: 'US', state: 'WI', county: 'Dane', city: 'Madison' },
  { taxCode: 'CA-ON', country: 'CA', state: 'ON' },
];

describe('pickJurisdictionTaxCode', () => {
  it('picks the city row over the state row', () => {
    const address = { countryCode: 'US', regionCode: 'WI', county: 'dane', city: 'Madison' };

    expect(pickJurisdictionTaxCode(rows, address)).toBe('WI-MADISON');
  });

  it('matches a county without its suffix', () => {
    const address = { countryCode: 'US', regionCode: 'WI', county: 'Dane', city: 'Verona' };

    expect(pickJurisdictionTaxCode(rows, address)).toBe('WI-DANE');
  });

  it('matches the state by name', () => {
    expect(pickJurisdictionTaxCode(rows, { countryCode: 'US', region: 'wi' })).toBe('WI');
  });

  it('falls back to the country row', () => {
    expect(pickJurisdictionTaxCode(rows, { countryCode: 'US', regionCode: 'KY' })).toBe(
      'US-DEFAULT',
    );
  });

  it('matches a Canadian province', () => {
    expect(pickJurisdictionTaxCode(rows, { countryCode: 'CA', regionCode: 'ON' })).toBe('CA-ON');
  });

  it('returns nothing without a matching row', () => {
    expect(pickJurisdictionTaxCode(rows, { countryCode: 'GB' })).toBeUndefined();
  });

  it('returns nothing without an address', () => {
    expect(pickJurisdictionTaxCode(rows, undefined)).toBeUndefined();
  });
});
