import { element, textElement } from '../xml/xml-writer';

export interface QwcFields {
  appName: string;
  appId?: string;
  /** The SOAP endpoint; the Web Connector requires HTTPS except for localhost. */
  appUrl: string;
  appDescription: string;
  appSupport: string;
  userName: string;
  ownerId: string;
  fileId: string;
  runEveryNMinutes: number;
}

/**
 * Renders the `.qwc` application file the user opens in the Web Connector. `QBType` is `QBFS`
 * (QuickBooks Financial Software); `IsReadOnly` is false because the service writes.
 */
export function renderQwc(fields: QwcFields): string {
  return (
    '<?xml version="1.0"?>\n' +
    element('QBWCXML', [
      textElement('AppName', fields.appName),
      `<AppID>${fields.appId ?? ''}</AppID>`,
      textElement('AppURL', fields.appUrl),
      textElement('AppDescription', fields.appDescription),
      textElement('AppSupport', fields.appSupport),
      textElement('UserName', fields.userName),
      textElement('OwnerID', fields.ownerId),
      textElement('FileID', fields.fileId),
      textElement('QBType', 'QBFS'),
      element('Scheduler', textElement('RunEveryNMinutes', fields.runEveryNMinutes)),
      textElement('IsReadOnly', 'false'),
    ]) +
    '\n'
  );
}
