import { escapeXml } from '../xml/xml-writer';
import { fitLength, formatAddress } from './qbxml-fields';

describe('formatAddress', () => {
  it('puts the person after Attn: when a company is present', () => {
    const address = formatAddress({
      company: 'Acme',
      name: 'John Smith',
      line1: '1 Main St',
      city: 'Ottawa',
      countryCode: 'CA',
    });

    expect(address.lines).toEqual(['Acme', 'Attn: John Smith', '1 Main St']);
    expect(address.country).toBe('Canada');
  });

  it('moves an overlong street line to a free line', () => {
    const address = formatAddress({
      name: 'Jane',
      line1: '1234 A Very Long Street Name That Does Not Fit In One Line',
    });

    expect(address.lines).toEqual([
      'Jane',
      '1234 A Very Long Street Name That Does',
      'Not Fit In One Line',
    ]);
    expect(address.truncated).toEqual([]);
  });

  it('cuts what does not fit and reports it', () => {
    const address = formatAddress({
      city: 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch',
    });

    expect(address.city).toHaveLength(31);
    expect(address.truncated).toEqual([
      'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch',
    ]);
  });

  it('prefers the region code for State', () => {
    expect(formatAddress({ region: 'California', regionCode: 'CA' }).state).toBe('CA');
  });
});

describe('escapeXml', () => {
  it.each([
    ['&', '&amp;'],
    ['<tag>', '&lt;tag&gt;'],
    ['"quoted" \'single\'', '&quot;quoted&quot; &apos;single&apos;'],
    ['Zoë ™', 'Zo&#235; &#8482;'],
    ['emoji 😀', 'emoji &#128512;'],
    ['bell\u0007', 'bell'],
  ])('escapes %j', (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});

describe('fitLength', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(fitLength('😀😀😀', 2)).toBe('😀😀');
  });
});
