import { XMLParser } from 'fast-xml-parser';

const NAMESPACE = 'http://developer.intuit.com/';

/** A SOAP fault or an HTTP failure the Web Connector would report as a failed call. */
export class SoapCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SoapCallError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => name === 'string',
});

/**
 * Calls one operation of a QBWebConnectorSvc endpoint the way the Web Connector does: SOAP 1.1,
 * document/literal, `SOAPAction` set to the operation's action URI.
 */
export async function callOperation(
  url: string,
  operation: string,
  parameters: Array<[string, string | number]>,
  timeoutMs: number,
): Promise<unknown> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
    `<soap:Body><${operation} xmlns="${NAMESPACE}">` +
    parameters.map(([name, value]) => `<${name}>${escapeText(String(value))}</${name}>`).join('') +
    `</${operation}></soap:Body></soap:Envelope>`;
  let response: Response;

  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"${NAMESPACE}${operation}"`,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new SoapCallError(`${operation} failed: ${(error as Error).message}`);
  }

  const text = await response.text();
  const parsed = parser.parse(text) as { Envelope?: { Body?: Record<string, unknown> } };
  const responseBody = parsed.Envelope?.Body;

  if (!responseBody) {
    throw new SoapCallError(
      `${operation} returned HTTP ${response.status} without a SOAP envelope`,
      response.status,
    );
  }

  if ('Fault' in responseBody) {
    const fault = responseBody.Fault as { faultstring?: string };

    throw new SoapCallError(
      `${operation} returned a SOAP fault: ${fault.faultstring ?? ''}`,
      response.status,
    );
  }

  const result = responseBody[`${operation}Response`] as Record<string, unknown> | undefined;

  if (!result) {
    throw new SoapCallError(
      `${operation} returned no ${operation}Response element`,
      response.status,
    );
  }

  return result[`${operation}Result`];
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
