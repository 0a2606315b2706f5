import { readFileSync } from 'node:fs';

import { fixturePath } from '@qbsync/testing';

import { parseXml, type XmlNode } from '../xml/safe-xml';
import { renderQwc } from './qwc-file';

const fields = {
  appName: 'Shop & Books',
  appUrl: 'https://sync.example.com/qbwc',
  appDescription: 'Posts channel orders',
  appSupport: 'https://sync.example.com/qbwc/support',
  userName: 'qbsync-0a1b2c3d4e5f',
  ownerId: '{90A44FB7-33D9-4815-AC85-AC86A7E7D1EB}',
  fileId: '{57F3B9B6-86F1-4FCC-B1FF-967DE1813D20}',
  runEveryNMinutes: 5,
};

function elementNames(xml: string): string[] {
  return Object.keys((parseXml(xml, { maxLength: 10_000, label: 'qwc' }).QBWCXML as XmlNode) ?? {});
}

describe('renderQwc', () => {
  const qwc = renderQwc(fields);
  const document = parseXml(qwc, { maxLength: 10_000, label: 'qwc' }).QBWCXML as XmlNode;

  it("uses the elements of Intuit's example in its order", () => {
    const example = readFileSync(fixturePath('qbwc/example.qwc'), 'utf8');

    expect(elementNames(qwc)).toEqual(elementNames(example));
  });

  it.each([
    ['AppName', 'Shop & Books'],
    ['AppURL', 'https://sync.example.com/qbwc'],
    ['AppSupport', 'https://sync.example.com/qbwc/support'],
    ['UserName', 'qbsync-0a1b2c3d4e5f'],
    ['OwnerID', '{90A44FB7-33D9-4815-AC85-AC86A7E7D1EB}'],
    ['FileID', '{57F3B9B6-86F1-4FCC-B1FF-967DE1813D20}'],
    ['QBType', 'QBFS'],
    ['IsReadOnly', 'false'],
  ])('sets %s', (name, value) => {
    expect(document[name]).toBe(value);
  });

  it('sets the schedule', () => {
    expect((document.Scheduler as XmlNode).RunEveryNMinutes).toBe('5');
  });
});
