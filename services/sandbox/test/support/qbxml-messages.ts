/** A qbXML request status: the statusCode and statusMessage attributes of one response. */
export interface QbxmlStatus {
  code: number;
  message: string;
}

/** Wraps the requests in a qbXML 13.0 message that continues past a failed request. */
export function qbxmlMessage(...requests: string[]): string {
  return `<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">${requests.join('')}</QBXMLMsgsRq></QBXML>`;
}

/** Reads the status of the response to request `requestId`, and throws if there is none. */
export function statusOf(response: string, requestId: string): QbxmlStatus {
  const match = new RegExp(
    `requestID="${requestId}" statusCode="(\\d+)" statusSeverity="\\w+" statusMessage="([^"]*)"`,
  ).exec(response);

  if (!match) {
    throw new Error(`no response ${requestId} in ${response}`);
  }

  return { code: Number(match[1]), message: match[2]! };
}
