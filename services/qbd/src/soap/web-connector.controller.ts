import { readFileSync } from 'node:fs';
import path from 'node:path';

import { All, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';
import { type Request, type Response } from 'express';

import { type QbdConfig } from '../qbd.config';
import { UnsafeXmlError } from '../xml/safe-xml';
import { WebConnectorService } from '../session/web-connector.service';
import {
  type OperationName,
  parseSoapCall,
  SoapFaultError,
  soapFault,
  soapResponse,
} from './soap-envelope';

/** Path of the SOAP endpoint; the `.qwc` file's AppURL points here. */
export const QBWC_PATH = '/qbwc';

// Intuit's service description (comments removed); the build copies it next to this file.
const WSDL_TEMPLATE = readFileSync(path.join(__dirname, 'QBWebConnectorSvc.wsdl'), 'utf8');

/**
 * The Web Connector's SOAP endpoint: `GET /qbwc?wsdl` returns the service description with this
 * service's address, and `POST /qbwc` serves the eight operations. A malformed, oversized or unsafe
 * request gets a SOAP fault that names the problem.
 */
@Controller()
export class WebConnectorController {
  private readonly logger: AppLogger;
  private readonly wsdl: string;

  constructor(
    private readonly service: WebConnectorService,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(WebConnectorController.name);
    this.wsdl = WSDL_TEMPLATE.replace(
      /<soap:address location="[^"]*"/g,
      `<soap:address location="${new URL(QBWC_PATH, config.QBD_PUBLIC_URL).toString()}"`,
    ).replace(
      /<soap12:address location="[^"]*"/g,
      `<soap12:address location="${new URL(QBWC_PATH, config.QBD_PUBLIC_URL).toString()}"`,
    );
  }

  @Get(QBWC_PATH)
  describe(@Query() query: Record<string, string>, @Res() response: Response): void {
    if (!('wsdl' in query) && !('WSDL' in query)) {
      response
        .status(200)
        .type('text/plain')
        .send(
          'QuickBooks Web Connector endpoint. Add the .qwc file to the Web Connector; GET ?wsdl for the service description.',
        );

      return;
    }

    response.status(200).type('text/xml; charset=utf-8').send(this.wsdl);
  }

  @Get(`${QBWC_PATH}/support`)
  support(@Res() response: Response): void {
    response
      .status(200)
      .type('text/plain')
      .send(
        'qbsync QuickBooks Desktop sync: open the sync activity log for errors and their fixes.',
      );
  }

  @All(QBWC_PATH)
  async call(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (request.method !== 'POST') {
      this.sendFault(
        response,
        405,
        'Client',
        `Method ${request.method} is not allowed; the Web Connector posts SOAP 1.1 requests`,
      );

      return;
    }

    let xml: string;

    try {
      xml = await readBody(request, this.config.QBD_MAX_SOAP_BYTES);
    } catch (error) {
      this.sendFault(response, 413, 'Client', (error as Error).message);

      return;
    }

    if (!xml) {
      this.sendFault(response, 400, 'Client', 'SOAP request body is empty; send a soap:Envelope');

      return;
    }

    let operation: OperationName | undefined;

    try {
      const call = parseSoapCall(xml, this.config.QBD_MAX_SOAP_BYTES);

      operation = call.operation;
      const result = await this.dispatch(call.operation, call.parameters);

      response
        .status(200)
        .type('text/xml; charset=utf-8')
        .send(soapResponse(call.operation, result));
    } catch (error) {
      if (error instanceof SoapFaultError || error instanceof UnsafeXmlError) {
        this.logger.warn('Rejected a Web Connector request', { operation, reason: error.message });
        this.sendFault(
          response,
          error instanceof SoapFaultError && error.faultCode === 'Server' ? 500 : 400,
          'Client',
          error.message,
        );

        return;
      }

      this.logger.error('Web Connector request failed', error, { operation });
      this.sendFault(
        response,
        500,
        'Server',
        `The service could not complete ${operation ?? 'the request'}; the Web Connector retries at its next run`,
      );
    }
  }

  private async dispatch(
    operation: OperationName,
    parameters: Record<string, string>,
  ): Promise<string | number | string[]> {
    const p = (name: string): string => parameters[name] ?? '';

    switch (operation) {
      case 'serverVersion':
        return this.service.serverVersion();
      case 'clientVersion':
        return this.service.clientVersion(p('strVersion'));
      case 'authenticate':
        return this.service.authenticate(p('strUserName'), p('strPassword'));
      case 'sendRequestXML':
        return this.service.sendRequestXml(
          p('ticket'),
          p('strCompanyFileName'),
          Number(p('qbXMLMajorVers')) || 0,
          Number(p('qbXMLMinorVers')) || 0,
        );
      case 'receiveResponseXML':
        return this.service.receiveResponseXml(
          p('ticket'),
          p('response'),
          p('hresult'),
          p('message'),
        );
      case 'connectionError':
        return this.service.connectionError(p('ticket'), p('hresult'), p('message'));
      case 'getLastError':
        return this.service.getLastError(p('ticket'));
      case 'closeConnection':
        return this.service.closeConnection(p('ticket'));
    }
  }

  private sendFault(
    response: Response,
    status: number,
    code: 'Client' | 'Server',
    message: string,
  ): void {
    response.status(status).type('text/xml; charset=utf-8').send(soapFault(code, message));
  }
}

/**
 * Reads the request body as UTF-8 up to `maxBytes`. The platform's JSON and form parsers leave
 * `text/xml` bodies unread, so the endpoint reads them itself and can reject an oversized one with
 * a SOAP fault instead of the JSON error of the shared body parser.
 */
function readBody(request: Request, maxBytes: number): Promise<string> {
  if (Buffer.isBuffer(request.body)) {
    return Promise.resolve((request.body as Buffer).toString('utf8'));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;

    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes && !rejected) {
        rejected = true;
        reject(
          new Error(
            `SOAP request is larger than ${maxBytes} bytes, the most this endpoint accepts`,
          ),
        );
        request.resume();

        return;
      }

      if (!rejected) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      if (!rejected) {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    request.on('error', (error) => {
      if (!rejected) {
        rejected = true;
        reject(error);
      }
    });
  });
}
