import { parseXml, textOf, UnsafeXmlError, type XmlNode } from '../xml/safe-xml';
import { escapeXml } from '../xml/xml-writer';

/** Namespace of the Web Connector's operations, from its WSDL. */
export const QBWC_NAMESPACE = 'http://developer.intuit.com/';

/** The eight operations of QBWebConnectorSvc and the parameters each takes, in WSDL order. */
export const OPERATIONS = {
  serverVersion: ['strVersion'],
  clientVersion: ['strVersion'],
  authenticate: ['strUserName', 'strPassword'],
  sendRequestXML: [
    'ticket',
    'strHCPResponse',
    'strCompanyFileName',
    'qbXMLCountry',
    'qbXMLMajorVers',
    'qbXMLMinorVers',
  ],
  receiveResponseXML: ['ticket', 'response', 'hresult', 'message'],
  connectionError: ['ticket', 'hresult', 'message'],
  getLastError: ['ticket'],
  closeConnection: ['ticket'],
} as const;

export type OperationName = keyof typeof OPERATIONS;

export interface SoapCall {
  operation: OperationName;
  parameters: Record<string, string>;
}

/** A SOAP request that cannot be served; `faultCode` is `Client` for the caller's mistakes. */
export class SoapFaultError extends Error {
  constructor(
    message: string,
    readonly faultCode: 'Client' | 'Server' = 'Client',
  ) {
    super(message);
    this.name = 'SoapFaultError';
  }
}

/** Parses a SOAP 1.1 request of the Web Connector into its operation and parameters. */
export function parseSoapCall(xml: string, maxLength: number): SoapCall {
  let document: XmlNode;

  try {
    document = parseXml(xml, { maxLength, label: 'SOAP request' });
  } catch (error) {
    if (error instanceof UnsafeXmlError) {
      throw new SoapFaultError(error.message);
    }

    throw error;
  }

  const envelope = document.Envelope as XmlNode | undefined;
  const body =
    envelope && typeof envelope === 'object' ? (envelope.Body as XmlNode | undefined) : undefined;

  if (!body || typeof body !== 'object') {
    throw new SoapFaultError('SOAP request has no soap:Envelope/soap:Body element');
  }

  const operationName = Object.keys(body).find((key) => !key.startsWith('@_'));

  if (!operationName || !(operationName in OPERATIONS)) {
    throw new SoapFaultError(
      `SOAP operation "${operationName ?? ''}" is not one of the Web Connector's: ${Object.keys(OPERATIONS).join(', ')}`,
    );
  }

  const operation = operationName as OperationName;
  const node = body[operation];
  const parameters: Record<string, string> = {};

  for (const name of OPERATIONS[operation]) {
    const value = node && typeof node === 'object' ? (node as XmlNode)[name] : undefined;
    const text = textOf(Array.isArray(value) ? value[0] : value);

    parameters[name] = text ?? '';
  }

  return { operation, parameters };
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
  '<soap:Body>';
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

/** Renders `<operationResponse><operationResult>` with a string, a number or a string array. */
export function soapResponse(operation: OperationName, result: string | number | string[]): string {
  const content = Array.isArray(result)
    ? result.map((item) => `<string>${escapeXml(item)}</string>`).join('')
    : escapeXml(String(result));

  return (
    ENVELOPE_OPEN +
    `<${operation}Response xmlns="${QBWC_NAMESPACE}"><${operation}Result>${content}</${operation}Result></${operation}Response>` +
    ENVELOPE_CLOSE
  );
}

/** Renders a SOAP 1.1 fault. */
export function soapFault(faultCode: 'Client' | 'Server', message: string): string {
  return (
    ENVELOPE_OPEN +
    `<soap:Fault><faultcode>soap:${faultCode}</faultcode><faultstring>${escapeXml(message)}</faultstring></soap:Fault>` +
    ENVELOPE_CLOSE
  );
}
