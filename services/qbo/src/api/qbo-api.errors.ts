/** One error entry of a QuickBooks Online fault body. */
export interface QboFaultDetail {
  code: string;
  message: string;
  detail?: string;
  element?: string;
}

/** QuickBooks returned a fault: it understood the request and rejected it. */
export class QboFaultError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly faultType: string,
    readonly errors: QboFaultDetail[],
  ) {
    const first = errors[0];

    super(
      first
        ? `QuickBooks fault ${first.code}: ${first.message}${first.detail ? ` (${first.detail})` : ''}`
        : `QuickBooks answered HTTP ${httpStatus}`,
    );
    this.name = 'QboFaultError';
  }

  get code(): string | undefined {
    return this.errors[0]?.code;
  }

  /** Whether retrying the same request later may succeed (throttling and server faults). */
  get isTransient(): boolean {
    return this.httpStatus === 429 || this.httpStatus >= 500;
  }
}

/** No response from QuickBooks: a timeout or a network failure. The request may or may not have landed. */
export class QboTransportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QboTransportError';
  }
}

/** Reads a fault body, JSON or (for some 429 responses) XML or text, into fault details. */
export function parseFaultBody(status: number, text: string): QboFaultError {
  try {
    const body = JSON.parse(text) as {
      Fault?: {
        type?: string;
        Error?: Array<{ code?: string; Message?: string; Detail?: string; element?: string }>;
      };
      fault?: {
        type?: string;
        error?: Array<{ code?: string; message?: string; detail?: string }>;
      };
    };
    const fault = body.Fault;

    if (fault?.Error) {
      return new QboFaultError(
        status,
        fault.type ?? 'Unknown',
        fault.Error.map((error) => ({
          code: String(error.code ?? ''),
          message: error.Message ?? '',
          detail: error.Detail,
          element: error.element,
        })),
      );
    }

    const lowerFault = body.fault;

    if (lowerFault?.error) {
      return new QboFaultError(
        status,
        lowerFault.type ?? 'Unknown',
        lowerFault.error.map((error) => ({
          code: String(error.code ?? ''),
          message: error.message ?? '',
          detail: error.detail,
        })),
      );
    }
  } catch {
    // Not JSON: QuickBooks sends some throttling and gateway errors as XML or plain text.
  }

  // `errorCode=003001` carries leading zeros that the fault codes elsewhere do not.
  const code =
    /errorCode=0*(\d+)/i.exec(text)?.[1] ?? /\bcode="?0*(\d+)/i.exec(text)?.[1] ?? String(status);

  return new QboFaultError(status, 'Unknown', [
    { code, message: text.slice(0, 300) || `HTTP ${status}` },
  ]);
}
