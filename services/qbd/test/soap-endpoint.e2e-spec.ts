import { randomUUID } from 'node:crypto';

import { type RunningService } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { createClientAsync } from 'soap';

import { type QbdConfig } from '../src/qbd.config';
import { SERVER_VERSION } from '../src/session/web-connector.service';
import { pair, startQbd } from './harness';

/** The eight operations as the `soap` client generates them from the WSDL, with Async suffix. */
type WebConnectorSoapClient = {
  serverVersionAsync(args: object): Promise<[{ serverVersionResult?: string }]>;
  clientVersionAsync(args: object): Promise<[{ clientVersionResult?: string }]>;
  authenticateAsync(args: object): Promise<[{ authenticateResult?: { string: string[] } }]>;
  sendRequestXMLAsync(args: object): Promise<[{ sendRequestXMLResult?: string }]>;
  receiveResponseXMLAsync(args: object): Promise<[{ receiveResponseXMLResult: number }]>;
  connectionErrorAsync(args: object): Promise<[{ connectionErrorResult?: string }]>;
  getLastErrorAsync(args: object): Promise<[{ getLastErrorResult?: string }]>;
  closeConnectionAsync(args: object): Promise<[{ closeConnectionResult?: string }]>;
};

async function post(
  url: string,
  body: string,
  contentType = 'text/xml; charset=utf-8',
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body,
  });

  return { status: response.status, text: await response.text() };
}

function envelope(operation: string, inner: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soap:Body><${operation} xmlns="http://developer.intuit.com/">${inner}</${operation}></soap:Body></soap:Envelope>`
  );
}

describe('Web Connector SOAP endpoint', () => {
  const infra = withInfrastructure();
  let service: RunningService<QbdConfig>;
  let endpoint: string;

  beforeAll(async () => {
    service = await startQbd(infra.current, 'qbd-soap', { QBD_MAX_SOAP_BYTES: '200000' });
    endpoint = `${service.url}/qbwc`;
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('serves its WSDL with its own address', async () => {
    const response = await fetch(`${endpoint}?wsdl`);
    const wsdl = await response.text();

    expect(response.status).toBe(200);
    expect(wsdl).toContain(`<soap:address location="${service.config.QBD_PUBLIC_URL}/qbwc"`);
    for (const operation of [
      'serverVersion',
      'clientVersion',
      'authenticate',
      'sendRequestXML',
      'receiveResponseXML',
      'connectionError',
      'getLastError',
      'closeConnection',
    ]) {
      expect(wsdl).toContain(`<wsdl:operation name="${operation}">`);
    }
  });

  it('serves all eight operations to a client built from the WSDL', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const client = (await createClientAsync(`${endpoint}?wsdl`, {
      endpoint,
    })) as unknown as WebConnectorSoapClient;

    const [server] = await client.serverVersionAsync({ strVersion: '' });
    const [clientCheck] = await client.clientVersionAsync({ strVersion: '2.3.0.215' });
    const [oldClient] = await client.clientVersionAsync({ strVersion: '1.5.0.0' });
    const [wrong] = await client.authenticateAsync({
      strUserName: pairing.userName,
      strPassword: 'nope',
    });
    const [auth] = await client.authenticateAsync({
      strUserName: pairing.userName,
      strPassword: pairing.password,
    });
    const [ticket, companyFile] = auth.authenticateResult!.string;
    const [request] = await client.sendRequestXMLAsync({
      ticket,
      strHCPResponse: '',
      strCompanyFileName: 'C:\\Books\\Store.qbw',
      qbXMLCountry: 'US',
      qbXMLMajorVers: 13,
      qbXMLMinorVers: 0,
    });
    const [progress] = await client.receiveResponseXMLAsync({
      ticket,
      response: '',
      hresult: '0x80040408',
      message: 'Could not start QuickBooks.',
    });
    const [lastError] = await client.getLastErrorAsync({ ticket });
    const [connection] = await client.connectionErrorAsync({
      ticket,
      hresult: '0x80040408',
      message: 'Could not start QuickBooks.',
    });
    const [closed] = await client.closeConnectionAsync({ ticket });

    expect(server.serverVersionResult).toBe(SERVER_VERSION);
    expect(clientCheck.clientVersionResult ?? '').toBe('');
    expect(oldClient.clientVersionResult).toMatch(/^W:/);
    expect(wrong.authenticateResult?.string).toEqual(['', 'nvu']);
    expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
    expect(companyFile ?? '').toBe('');
    expect(request.sendRequestXMLResult).toContain('<?qbxml version="13.0"?>');
    expect(request.sendRequestXMLResult).toContain('<AccountQueryRq');
    expect(progress.receiveResponseXMLResult).toBeLessThan(0);
    expect(lastError.getLastErrorResult).toContain('0x80040408');
    expect(connection.connectionErrorResult).toBe('done');
    expect(closed.closeConnectionResult).toMatch(/^OK/);
  });

  it.each([
    ['malformed XML', '<soap:Envelope><soap:Body>', /not well-formed/],
    [
      'a DOCTYPE',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
        envelope('getLastError', '<ticket>&xxe;</ticket>'),
      /DOCTYPE or ENTITY/,
    ],
    ['an unknown operation', envelope('deleteEverything', ''), /is not one of the Web Connector/],
    ['no SOAP body', '<?xml version="1.0"?><a/>', /no soap:Envelope\/soap:Body/],
    [
      'an oversized request',
      envelope('getLastError', `<ticket>${'x'.repeat(300_000)}</ticket>`),
      /larger than 200000 bytes/,
    ],
  ])('answers %s with a SOAP fault', async (_name, body, message) => {
    const response = await post(endpoint, body);

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.text).toContain('<faultcode>soap:Client</faultcode>');
    expect(response.text).toMatch(message);
  });

  it('answers a malformed qbXML response with a SOAP fault and keeps running', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const auth = await post(
      endpoint,
      envelope(
        'authenticate',
        `<strUserName>${pairing.userName}</strUserName><strPassword>${pairing.password}</strPassword>`,
      ),
    );
    const ticket = /<string>([0-9a-f-]{36})<\/string>/.exec(auth.text)?.[1];

    await post(
      endpoint,
      envelope(
        'sendRequestXML',
        `<ticket>${ticket}</ticket><strHCPResponse></strHCPResponse><strCompanyFileName>C:\\a.qbw</strCompanyFileName><qbXMLCountry>US</qbXMLCountry><qbXMLMajorVers>13</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers>`,
      ),
    );
    const response = await post(
      endpoint,
      envelope(
        'receiveResponseXML',
        `<ticket>${ticket}</ticket><response>&lt;QBXML&gt;&lt;QBXMLMsgsRs&gt;</response><hresult></hresult><message></message>`,
      ),
    );
    const health = await post(endpoint, envelope('serverVersion', '<strVersion></strVersion>'));

    expect(response.status).toBe(400);
    expect(response.text).toContain('qbXML response is not well-formed XML');
    expect(health.status).toBe(200);
  });
});
