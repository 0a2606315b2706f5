import { parseFaultBody, QboFaultError } from './qbo-api.errors';

const validationFault = JSON.stringify({
  Fault: {
    Error: [
      {
        Message: 'Duplicate Name Exists Error',
        Detail: 'The name supplied already exists. : Id=58',
        code: '6240',
        element: 'DisplayName',
      },
    ],
    type: 'ValidationFault',
  },
  time: '2025-07-02T09:31:00.123-07:00',
});

const authenticationFault = JSON.stringify({
  warnings: null,
  intuitObject: null,
  fault: {
    error: [
      {
        message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
        detail: 'Token expired: AB11570127472',
        code: '3200',
        element: null,
      },
    ],
    type: 'AUTHENTICATION',
  },
  requestId: null,
  time: 1751473860123,
});

const throttleFaultXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2025-07-02T09:31:00.123-07:00">
  <Fault type="SERVICE">
    <Error code="3001" element="">
      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>
      <Detail>The request limit was reached.</Detail>
    </Error>
  </Fault>
</IntuitResponse>`;

describe('parseFaultBody', () => {
  describe('JSON Fault', () => {
    const fault = parseFaultBody(400, validationFault);

    it('returns a QboFaultError', () => {
      expect(fault).toBeInstanceOf(QboFaultError);
    });

    it('keeps the HTTP status', () => {
      expect(fault.httpStatus).toBe(400);
    });

    it('reads the fault type', () => {
      expect(fault.faultType).toBe('ValidationFault');
    });

    it('reads the error code', () => {
      expect(fault.code).toBe('6240');
    });

    it('reads message, detail and element', () => {
      expect(fault.errors[0]).toEqual({
        code: '6240',
        message: 'Duplicate Name Exists Error',
        detail: 'The name supplied already exists. : Id=58',
        element: 'DisplayName',
      });
    });

    it('names code, message and detail in the error message', () => {
      expect(fault.message).toBe(
        'QuickBooks fault 6240: Duplicate Name Exists Error (The name supplied already exists. : Id=58)',
      );
    });

    it('reads every error entry', () => {
      const body = JSON.stringify({
        Fault: {
          Error: [
            { Message: 'Required param missing', code: '2020' },
            { Message: 'Invalid Reference Id', code: '2500' },
          ],
          type: 'ValidationFault',
        },
      });

      expect(parseFaultBody(400, body).errors.map((error) => error.code)).toEqual(['2020', '2500']);
    });

    it('turns a numeric code into a string', () => {
      const body = JSON.stringify({ Fault: { Error: [{ Message: 'Stale', code: 5010 }] } });

      expect(parseFaultBody(400, body).code).toBe('5010');
    });

    it('is not transient', () => {
      expect(fault.isTransient).toBe(false);
    });
  });

  describe('lower-case fault', () => {
    const fault = parseFaultBody(401, authenticationFault);

    it('reads the fault type', () => {
      expect(fault.faultType).toBe('AUTHENTICATION');
    });

    it('reads the error code', () => {
      expect(fault.code).toBe('3200');
    });

    it('reads the message', () => {
      expect(fault.errors[0]!.message).toBe(
        'message=AuthenticationFailed; errorCode=003200; statusCode=401',
      );
    });

    it('reads the detail', () => {
      expect(fault.errors[0]!.detail).toBe('Token expired: AB11570127472');
    });

    it('is not transient', () => {
      expect(fault.isTransient).toBe(false);
    });
  });

  describe('XML body', () => {
    const fault = parseFaultBody(429, throttleFaultXml);

    it('reads code 3001 from the Error element', () => {
      expect(fault.code).toBe('3001');
    });

    it('keeps the start of the body as the message', () => {
      expect(fault.errors[0]!.message).toBe(throttleFaultXml.slice(0, 300));
    });

    it('reports an unknown fault type', () => {
      expect(fault.faultType).toBe('Unknown');
    });

    it('is transient', () => {
      expect(fault.isTransient).toBe(true);
    });
  });

  describe('plain text', () => {
    it('falls back to the HTTP status as code', () => {
      expect(parseFaultBody(503, 'Service Unavailable').code).toBe('503');
    });

    it('keeps the text as the message', () => {
      expect(parseFaultBody(503, 'Service Unavailable').errors[0]!.message).toBe(
        'Service Unavailable',
      );
    });

    it('cuts a long text to 300 characters', () => {
      expect(parseFaultBody(502, 'x'.repeat(1000)).errors[0]!.message).toHaveLength(300);
    });

    it('names the status for an empty body', () => {
      expect(parseFaultBody(502, '').errors[0]!.message).toBe('HTTP 502');
    });

    it('treats a server error as transient', () => {
      expect(parseFaultBody(500, 'Internal Server Error').isTransient).toBe(true);
    });

    it('falls back to the status for JSON without a fault', () => {
      expect(parseFaultBody(400, '{"error":"bad"}').code).toBe('400');
    });

    // The first pattern, /code="?(\d+)/i, also matches the "Code=003001" inside "errorCode=003001",
    // so the text 'message=ThrottleExceeded; errorCode=003001; statusCode=429' yields code
    // '003001' and never reaches the errorCode pattern that strips the leading zeros.

    it('reads 3001 from errorCode=003001', () => {
      const fault = parseFaultBody(
        429,
        'message=ThrottleExceeded; errorCode=003001; statusCode=429',
      );

      expect(fault.code).toBe('3001');
    });
  });
});

describe(QboFaultError.name, () => {
  describe('message', () => {
    it('names the status without errors', () => {
      expect(new QboFaultError(502, 'Unknown', []).message).toBe('QuickBooks answered HTTP 502');
    });

    it('leaves out an empty detail', () => {
      const fault = new QboFaultError(400, 'ValidationFault', [
        { code: '2020', message: 'Required param missing' },
      ]);

      expect(fault.message).toBe('QuickBooks fault 2020: Required param missing');
    });
  });

  describe('code', () => {
    it('is undefined without errors', () => {
      expect(new QboFaultError(502, 'Unknown', []).code).toBeUndefined();
    });
  });

  describe('isTransient', () => {
    it.each([429, 500, 502, 503])('is true for HTTP %i', (status) => {
      expect(new QboFaultError(status, 'Unknown', []).isTransient).toBe(true);
    });

    it.each([400, 401, 403, 404])('is false for HTTP %i', (status) => {
      expect(new QboFaultError(status, 'Unknown', []).isTransient).toBe(false);
    });
  });
});
