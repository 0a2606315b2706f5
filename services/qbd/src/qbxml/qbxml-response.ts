import { parseXml, textOf, UnsafeXmlError, type XmlNode } from '../xml/safe-xml';

/** One response of a qbXML message set, matched to its request by `requestId`. */
export interface QbxmlResponse {
  /** The response element's name without `Rs`, for example `CustomerAdd` or `ItemQuery`. */
  requestName: string;
  requestId: string;
  statusCode: number;
  statusSeverity: 'Info' | 'Warn' | 'Error' | string;
  statusMessage: string;
  iteratorId?: string;
  iteratorRemainingCount?: number;
  /** The returned records, for example `{ type: 'CustomerRet', fields: {...} }`. */
  records: Array<{ type: string; fields: XmlNode }>;
  /** Children that are not records, such as `TxnDelType` and `TxnID` of a `TxnDelRs`. */
  values: XmlNode;
}

/** Status code QuickBooks returns when a query matched nothing; it is not a failure. */
export const STATUS_NO_MATCH = 1;

/**
 * Parses a qbXML response message set as QuickBooks returns it through the Web Connector. Every
 * `...Rs` element becomes one response, whatever its position, so responses to
 * `continueOnError` message sets are matched by `requestID` and not by order. Accepts responses
 * the schema would reject (an element QuickBooks added, elements out of order), because a real
 * QuickBooks sends them and the content is still usable.
 */
export function parseQbxmlResponse(xml: string, maxLength: number): QbxmlResponse[] {
  const document = parseXml(xml, {
    maxLength,
    label: 'qbXML response',
    isArray: (name) => name.endsWith('Rs') || name.endsWith('Ret'),
  });
  const root = document.QBXML as XmlNode | undefined;
  const messages = root?.QBXMLMsgsRs;

  if (!root || messages === undefined) {
    throw new UnsafeXmlError('qbXML response has no <QBXML><QBXMLMsgsRs> element');
  }

  const messageSet = (Array.isArray(messages) ? messages[0] : messages) as XmlNode | string;

  if (typeof messageSet !== 'object' || messageSet === null) {
    return [];
  }

  const responses: QbxmlResponse[] = [];

  for (const [name, value] of Object.entries(messageSet)) {
    if (!name.endsWith('Rs') || name.startsWith('@_')) {
      continue;
    }

    for (const response of value as XmlNode[]) {
      responses.push(readResponse(name, typeof response === 'object' ? response : {}));
    }
  }

  return responses;
}

function readResponse(name: string, node: XmlNode): QbxmlResponse {
  const statusCode = Number(node['@_statusCode']);
  const records: QbxmlResponse['records'] = [];
  const values: XmlNode = {};

  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) {
      continue;
    }

    if (key.endsWith('Ret')) {
      for (const record of value as XmlNode[]) {
        records.push({ type: key, fields: typeof record === 'object' ? record : {} });
      }
    } else {
      values[key] = value;
    }
  }

  const remaining = node['@_iteratorRemainingCount'];

  return {
    requestName: name.slice(0, -2),
    requestId: String(node['@_requestID'] ?? ''),
    statusCode: Number.isFinite(statusCode) ? statusCode : -1,
    statusSeverity: String(node['@_statusSeverity'] ?? 'Error'),
    statusMessage: String(node['@_statusMessage'] ?? ''),
    iteratorId: node['@_iteratorID'] === undefined ? undefined : String(node['@_iteratorID']),
    iteratorRemainingCount: remaining === undefined ? undefined : Number(remaining),
    records,
    values,
  };
}

/** Returns the text of `fields[name]`, or of `fields[name][child]` for a reference. */
export function fieldText(fields: XmlNode, name: string, child?: string): string | undefined {
  const value = fields[name];

  if (child === undefined) {
    return textOf(Array.isArray(value) ? value[0] : value);
  }

  const node = (Array.isArray(value) ? value[0] : value) as XmlNode | undefined;

  return node && typeof node === 'object' ? textOf(node[child]) : undefined;
}
