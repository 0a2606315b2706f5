import { readdirSync, readFileSync } from 'node:fs';

import { fixturePath } from '@qbsync/testing';

import { parseXml } from '../xml/safe-xml';
import { fieldText, parseQbxmlResponse } from './qbxml-response';

const samplesDir = fixturePath('qbxml/samples');
const samples = readdirSync(samplesDir).sort();
const responseSamples = samples.filter((file) =>
  readFileSync(`${samplesDir}/${file}`, 'utf8').includes('QBXMLMsgsRs'),
);

describe('parseQbxmlResponse', () => {
  it('finds the response samples', () => {
    expect(responseSamples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(responseSamples.map((file) => [file]))('parses %s', (file) => {
    const responses = parseQbxmlResponse(readFileSync(`${samplesDir}/${file}`, 'utf8'), 5_000_000);

    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response.requestId).not.toBe('');
      expect(response.statusCode).toBe(0);
      expect(response.statusSeverity).toBe('Info');
      expect(response.records.length).toBeGreaterThan(0);
    }
  });

  it('reads the schema-invalid receive payment response', () => {
    const xml = readFileSync(
      `${samplesDir}/qbxml-gem-responses-receive_payment_query_rs.xml`,
      'utf8',
    );
    const [response] = parseQbxmlResponse(xml, 5_000_000);

    expect(response?.requestName).toBe('ReceivePaymentQuery');
    expect(fieldText(response!.records[0]!.fields, 'TxnID')).toBe('2484-1263499231');
    expect(fieldText(response!.records[0]!.fields, 'CustomerRef', 'FullName')).toBe('Greg F');
  });

  it('reads iterator attributes', () => {
    const xml = readFileSync(
      `${samplesDir}/qbxml-gem-responses-customer_query_terator_rs.xml`,
      'utf8',
    );
    const [response] = parseQbxmlResponse(xml, 5_000_000);

    expect(response?.iteratorRemainingCount).toBe(18);
    expect(response?.iteratorId).toBe('{eb05f701-e727-472f-8ade-6753c4f67a46}');
  });

  it('matches continueOnError responses by requestID', () => {
    const xml =
      '<?xml version="1.0"?><QBXML><QBXMLMsgsRs>' +
      '<CustomerAddRs requestID="2" statusCode="3100" statusSeverity="Error" statusMessage="The name &quot;Acme&quot; of the list element is already in use." />' +
      '<SalesReceiptAddRs requestID="3" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><SalesReceiptRet><TxnID>1-2</TxnID></SalesReceiptRet></SalesReceiptAddRs>' +
      '<CustomerAddRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><CustomerRet><ListID>8-1</ListID><Name>B&#233;a</Name></CustomerRet></CustomerAddRs>' +
      '</QBXMLMsgsRs></QBXML>';
    const byId = new Map(
      parseQbxmlResponse(xml, 100_000).map((response) => [response.requestId, response]),
    );

    expect(byId.get('2')?.statusCode).toBe(3100);
    expect(byId.get('2')?.statusMessage).toBe(
      'The name "Acme" of the list element is already in use.',
    );
    expect(fieldText(byId.get('1')!.records[0]!.fields, 'Name')).toBe('Béa');
    expect(fieldText(byId.get('3')!.records[0]!.fields, 'TxnID')).toBe('1-2');
  });

  it.each([
    [
      'a DOCTYPE',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><QBXML>&e;</QBXML>',
      /DOCTYPE or ENTITY/,
    ],
    ['malformed XML', '<QBXML><QBXMLMsgsRs></QBXML>', /not well-formed/],
    ['an oversized document', `<QBXML>${'x'.repeat(2000)}</QBXML>`, /more than the 1000 accepted/],
    ['a document without a message set', '<QBXML></QBXML>', /no <QBXML><QBXMLMsgsRs>/],
  ])('rejects %s', (_name, xml, message) => {
    expect(() => parseQbxmlResponse(xml, 1000)).toThrow(message);
  });
});

describe('request samples', () => {
  it.each(samples.map((file) => [file]))('%s is well-formed and safe', (file) => {
    const document = parseXml(readFileSync(`${samplesDir}/${file}`, 'utf8'), {
      maxLength: 5_000_000,
      label: file,
    });

    expect(document.QBXML).toBeDefined();
  });
});
