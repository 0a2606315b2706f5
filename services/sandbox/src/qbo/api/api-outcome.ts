import { setTimeout as sleep } from 'node:timers/promises';

import { type Response } from 'express';

import { formatQboResponseTime } from '../../common/qbo-time';
import { type QboFault } from '../faults/qbo-fault';

/** A finished response to an API call, kept as text so that a requestid replay sends the same bytes. */
export interface ApiResponse {
  kind: 'response';
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** An injected failure that closes the connection without a response, which is how a timed-out call
 * looks to the client. */
export interface ApiDrop {
  kind: 'drop';
  delayMs: number;
}

export type ApiOutcome = ApiResponse | ApiDrop;

const JSON_TYPE = 'application/json;charset=UTF-8';

export function jsonResponse(status: number, payload: unknown): ApiResponse {
  return { kind: 'response', status, contentType: JSON_TYPE, body: JSON.stringify(payload) };
}

/** Wraps an entity or query result in the `{ ..., time }` envelope of every QBO response. */
export function envelopeResponse(payload: Record<string, unknown>, now: Date): ApiResponse {
  return jsonResponse(200, { ...payload, time: formatQboResponseTime(now) });
}

/**
 * Renders a fault the way QBO sends it. Most faults are `{Fault: {Error, type}, time}`. The
 * authentication and authorization faults come from Intuit's gateway, which writes lower-case
 * keys, nulls for the unused fields and an epoch-millisecond `time`. Throttling (429) is sent
 * in XML even when the request asked for JSON, unless `throttleFormat` is `json`.
 */
export function faultResponse(
  fault: QboFault,
  now: Date,
  throttleFormat: 'xml' | 'json' = 'xml',
): ApiResponse {
  if (fault.httpStatus === 401 || fault.httpStatus === 403) {
    return gatewayFaultResponse(fault, now);
  }

  if (fault.httpStatus === 429 && throttleFormat === 'xml') {
    return throttleFaultResponse(fault, now);
  }

  return jsonResponse(fault.httpStatus, {
    Fault: { Error: fault.errors, type: fault.type },
    time: formatQboResponseTime(now),
  });
}

function gatewayFaultResponse(fault: QboFault, now: Date): ApiResponse {
  const payload = {
    warnings: null,
    intuitObject: null,
    fault: {
      error: fault.errors.map((error) => ({
        message: error.Message,
        detail: error.Detail ?? null,
        code: error.code,
        element: null,
      })),
      type: fault.type,
    },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: now.getTime(),
    status: null,
    cdcresponse: [],
  };
  const response = jsonResponse(fault.httpStatus, payload);

  if (fault.httpStatus === 401) {
    response.headers = { 'WWW-Authenticate': 'Bearer realm="Intuit", error="invalid_token"' };
  }

  return response;
}

function throttleFaultResponse(fault: QboFault, now: Date): ApiResponse {
  const errors = fault.errors
    .map(
      (error) =>
        `<Error code="${escapeXml(error.code)}"><Message>${escapeXml(error.Message)}</Message>` +
        `<Detail>${escapeXml(error.Detail ?? '')}</Detail></Error>`,
    )
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${formatQboResponseTime(now)}">` +
    `<Fault type="${escapeXml(fault.type)}">${errors}</Fault></IntuitResponse>`;

  return { kind: 'response', status: 429, contentType: 'application/xml', body };
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Writes an outcome to the Express response, after its delay, or closes the socket for a drop. */
export async function sendOutcome(res: Response, outcome: ApiOutcome): Promise<void> {
  if (outcome.delayMs) {
    await sleep(outcome.delayMs);
  }

  if (outcome.kind === 'drop') {
    res.socket?.destroy();

    return;
  }

  res.status(outcome.status);
  res.setHeader('Content-Type', outcome.contentType);
  for (const [name, value] of Object.entries(outcome.headers ?? {})) {
    res.setHeader(name, value);
  }

  res.send(outcome.body);
}
