import {
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

import { type ChannelAdapter, type WebhookDelivery } from './channel-adapter';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { WebhookIntakeService, type WebhookOutcome } from './webhook-intake.service';

const FAILURE_STATUS: Record<Exclude<WebhookOutcome['status'], 'accepted' | 'ignored'>, number> = {
  unauthorized: HttpStatus.UNAUTHORIZED,
  rejected: HttpStatus.UNPROCESSABLE_ENTITY,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  bad_request: HttpStatus.BAD_REQUEST,
};

/**
 * `POST /webhooks/<channel>` (connection found from the delivery, such as Shopify's shop domain)
 * and `POST /webhooks/<channel>/<connectionId>`. Channels wait only seconds for a response (Shopify five), so the handler verifies, parses and stores the records in JetStream, and
 * everything else happens asynchronously.
 */
@Controller('webhooks')
export class WebhookController {
  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post(':channel')
  async receive(
    @Param('channel') channel: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookOutcome> {
    return this.handle(channel, undefined, request, response);
  }

  @Post(':channel/:connectionId')
  async receiveForConnection(
    @Param('channel') channel: string,
    @Param('connectionId') connectionId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookOutcome> {
    return this.handle(channel, connectionId, request, response);
  }

  /** The outcome of a pushed batch; the request signs the batch id like a push signs its body. */
  @Get(':channel/:connectionId/batches/:batchId')
  async batchStatus(
    @Param('channel') channel: string,
    @Param('connectionId') connectionId: string,
    @Param('batchId') batchId: string,
    @Req() request: Request,
  ): Promise<object> {
    this.requireChannel(channel);
    const result = await this.intake.batchStatus(
      {
        rawBody: Buffer.alloc(0),
        headers: lowerCaseHeaders(request.headers),
        connectionId,
        receivedAt: new Date().toISOString(),
      },
      batchId,
    );

    if (result.status === 'found') {
      return result.batch;
    }

    const status =
      result.status === 'unauthorized' ? HttpStatus.UNAUTHORIZED : HttpStatus.NOT_FOUND;

    throw new HttpException({ statusCode: status, message: result.reason }, status);
  }

  private requireChannel(channel: string): void {
    if (channel !== this.adapter.channel) {
      throw new NotFoundException(
        `This connector serves ${this.adapter.channel} webhooks, not ${channel}; send them to the ${channel} connector`,
      );
    }
  }

  private async handle(
    channel: string,
    connectionId: string | undefined,
    request: Request,
    response: Response,
  ): Promise<WebhookOutcome> {
    this.requireChannel(channel);
    const delivery: WebhookDelivery = {
      rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      headers: lowerCaseHeaders(request.headers),
      receivedAt: new Date().toISOString(),
    };

    if (connectionId !== undefined) {
      delivery.connectionId = connectionId;
    }

    const outcome = await this.intake.receive(delivery);

    if (outcome.status === 'accepted' || outcome.status === 'ignored') {
      response.status(
        outcome.status === 'accepted' ? (this.adapter.webhookAcceptedStatus ?? 200) : 200,
      );

      return outcome;
    }

    throw new HttpException(
      { statusCode: FAILURE_STATUS[outcome.status], message: outcome.reason, ...outcome },
      FAILURE_STATUS[outcome.status],
    );
  }
}

function lowerCaseHeaders(headers: Request['headers']): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};

  for (const [name, value] of Object.entries(headers)) {
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }

  return result;
}
