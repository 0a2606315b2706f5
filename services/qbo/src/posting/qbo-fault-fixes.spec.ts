import { QboFaultError } from '../api/qbo-api.errors';
import { fixForFault } from './qbo-fault-fixes';

function faultWithCode(code: string, httpStatus = 400): QboFaultError {
  return new QboFaultError(httpStatus, 'ValidationFault', [{ code, message: 'fault message' }]);
}

describe('fixForFault', () => {
  it.each([
    ['2010', /product defect/],
    ['2020', /required field was empty/],
    ['2050', /longer than QuickBooks allows/],
    ['2500', /no longer exists in QuickBooks/],
    ['3200', /reconnect the QuickBooks Online company/],
    ['5010', /changed in QuickBooks/],
    ['6000', /business rules/],
    ['6140', /document number/],
    ['6240', /already used by another customer, vendor or employee/],
  ])('explains fault %s', (code, fix) => {
    expect(fixForFault(faultWithCode(code))).toMatch(fix);
  });

  it('ends every known fix with what to do next', () => {
    for (const code of ['2020', '2050', '2500', '3200', '5010', '6140', '6240']) {
      expect(fixForFault(faultWithCode(code))).toMatch(/re-sync/);
    }
  });

  it('names an unknown code', () => {
    expect(fixForFault(faultWithCode('9999'))).toContain('fault 9999');
  });

  it('tells how to continue after an unknown code', () => {
    expect(fixForFault(faultWithCode('9999'))).toContain(
      'then save the order again in the channel to re-sync it',
    );
  });

  it('names the HTTP status without a code', () => {
    expect(fixForFault(new QboFaultError(502, 'Unknown', []))).toContain('fault 502');
  });
});
