import { stableRequestId } from './request-id';

describe('stableRequestId', () => {
  it('returns the same id for the same parts', () => {
    expect(stableRequestId('salesreceipt', '9341453908', '1042')).toBe(
      stableRequestId('salesreceipt', '9341453908', '1042'),
    );
  });

  it('returns another id for other parts', () => {
    expect(stableRequestId('salesreceipt', '9341453908', '1042')).not.toBe(
      stableRequestId('salesreceipt', '9341453908', '1043'),
    );
  });

  it('keeps part boundaries apart', () => {
    expect(stableRequestId('ab', 'c')).not.toBe(stableRequestId('a', 'bc'));
  });

  it('depends on the order of the parts', () => {
    expect(stableRequestId('a', 'b')).not.toBe(stableRequestId('b', 'a'));
  });

  it('is 36 characters long', () => {
    expect(stableRequestId('customer', '9341453908', 'Bob Norman')).toHaveLength(36);
  });

  it('contains only lower-case hex digits', () => {
    expect(stableRequestId('customer', '9341453908', 'Bob Norman')).toMatch(/^[0-9a-f]+$/);
  });

  it('accepts text outside ASCII', () => {
    expect(stableRequestId('customer', 'Café Müller 😀')).toHaveLength(36);
  });
});
