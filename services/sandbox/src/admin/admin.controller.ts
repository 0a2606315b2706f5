import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Logger,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';

import { formatQboResponseTime } from '../common/qbo-time';
import { parseRequestBody } from '../common/request-body';
import { SandboxClock } from '../common/sandbox-clock';
import {
  DEFAULT_SETTINGS,
  ENTITY_NAMES,
  type EntityName,
  INTUIT_LIMITS,
} from '../qbo/company/company';
import { CompanyStore } from '../qbo/company/company.store';
import { FaultInjector } from '../qbo/faults/fault-injector.service';
import { OAuthService } from '../qbo/oauth/oauth.service';
import { WebhookSender } from '../qbo/webhooks/webhook-sender.service';
import {
  clockSchema,
  faultRuleSchema,
  limitsSchema,
  realmIdSchema,
  settingsSchema,
  webhookSendSchema,
  webhookSubscriptionSchema,
} from './admin.schemas';

/** Control endpoints for tests and the demo. They need no token, so bind the sandbox to loopback. */
@Controller('__sandbox')
export class AdminController {
  private readonly logger = new Logger(AdminController.name);

  constructor(
    private readonly companies: CompanyStore,
    private readonly faults: FaultInjector,
    private readonly clock: SandboxClock,
    private readonly oauth: OAuthService,
    private readonly webhooks: WebhookSender,
  ) {}

  /** Sets the rate limits of every realm, existing and future (Intuit's by default). */
  @Put('limits')
  setLimits(@Body() body: unknown) {
    const { preset, ...overrides } = parseRequestBody(limitsSchema, body);
    const base =
      preset === 'intuit'
        ? INTUIT_LIMITS
        : {
            requestsPerMinute: DEFAULT_SETTINGS.requestsPerMinute,
            requestsPerSecond: DEFAULT_SETTINGS.requestsPerSecond,
            concurrentRequests: DEFAULT_SETTINGS.concurrentRequests,
            batchesPerMinute: DEFAULT_SETTINGS.batchesPerMinute,
          };
    const limits = { ...base, ...overrides };

    this.companies.setDefaultLimits(limits);
    this.logger.log({ message: 'Rate limits set for every realm', ...limits });

    return limits;
  }

  /** Revokes every grant of a realm, so the next token refresh gets invalid_grant. */
  @Post('realms/:realmId/revoke')
  @HttpCode(200)
  revokeRealm(@Param('realmId') realmId: string) {
    parseRequestBody(realmIdSchema, realmId);

    return { realmId, revokedGrants: this.oauth.revokeRealm(realmId) };
  }

  /** Sends webhooks for every later change of any realm's objects to one endpoint. */
  @Put('webhooks')
  subscribeWebhooks(@Body() body: unknown) {
    const subscription = parseRequestBody(webhookSubscriptionSchema, body);

    this.webhooks.subscribe(subscription);

    return { url: subscription.url, format: subscription.format, delayMs: subscription.delayMs };
  }

  @Delete('webhooks')
  unsubscribeWebhooks() {
    this.webhooks.unsubscribe();

    return { subscribed: false };
  }

  @Get('webhooks/deliveries')
  listWebhookDeliveries() {
    return this.webhooks.listDeliveries();
  }

  /** Sends one signed notification for the listed entities now. */
  @Post('realms/:realmId/webhooks')
  @HttpCode(200)
  async sendWebhook(@Param('realmId') realmId: string, @Body() body: unknown) {
    parseRequestBody(realmIdSchema, realmId);
    const { entities } = parseRequestBody(webhookSendSchema, body);
    const changedAt = this.clock.now();
    const changes = entities.map((entity) => ({
      realmId,
      entity: requireEntityName(entity.name),
      id: entity.id,
      operation: entity.operation,
      changedAt,
    }));

    return this.webhooks.sendNow(realmId, changes);
  }

  /** Queues failures for the next matching QBO API calls of a realm. */
  @Post('faults')
  addFault(@Body() body: unknown) {
    return this.faults.add(parseRequestBody(faultRuleSchema, body));
  }

  @Get('faults')
  listFaults() {
    return this.faults.list();
  }

  /** Removes queued failures of one realm (`?realmId=`), or of every realm. */
  @Delete('faults')
  clearFaults(@Query('realmId') realmId?: string) {
    return {
      removed: this.faults.clear(realmId ? parseRequestBody(realmIdSchema, realmId) : undefined),
    };
  }

  /** Request counts by entity and method, and object counts by entity. */
  @Get('realms/:realmId/stats')
  stats(@Param('realmId') realmId: string) {
    const company = this.companies.get(realmId);

    if (!company) {
      throw new NotFoundException(
        `Realm ${realmId} has no sandbox company yet. Connect it through /oauth2/authorize or reset it first.`,
      );
    }

    return { realmId, ...company.stats, objects: company.countObjects() };
  }

  /** Reseeds the company and clears its requestids, statistics, settings and queued faults. */
  @Post('realms/:realmId/reset')
  @HttpCode(200)
  reset(@Param('realmId') realmId: string) {
    parseRequestBody(realmIdSchema, realmId);
    this.faults.clear(realmId);
    const company = this.companies.reset(realmId);

    return { realmId, objects: company.countObjects() };
  }

  @Get('realms/:realmId/settings')
  settings(@Param('realmId') realmId: string) {
    parseRequestBody(realmIdSchema, realmId);

    return { ...this.companies.getOrCreate(realmId).settings };
  }

  @Patch('realms/:realmId/settings')
  updateSettings(@Param('realmId') realmId: string, @Body() body: unknown) {
    parseRequestBody(realmIdSchema, realmId);
    const settings = this.companies.updateSettings(realmId, parseRequestBody(settingsSchema, body));

    this.logger.log({ message: 'Company settings changed', realmId, ...settings });

    return settings;
  }

  /** Moves the sandbox clock forward, which expires codes, tokens and remembered requestids. */
  @Post('clock')
  @HttpCode(200)
  advanceClock(@Body() body: unknown) {
    const { advanceSeconds } = parseRequestBody(clockSchema, body);

    this.clock.advance(advanceSeconds * 1000);

    return this.clockState();
  }

  @Delete('clock')
  resetClock() {
    this.clock.reset();

    return this.clockState();
  }

  private clockState() {
    return {
      offsetSeconds: this.clock.offsetMilliseconds / 1000,
      now: formatQboResponseTime(this.clock.now()),
    };
  }
}

function requireEntityName(name: string): EntityName {
  const entity = ENTITY_NAMES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());

  if (!entity) {
    throw new BadRequestException(
      `entities: unknown entity "${name}"; use one of ${ENTITY_NAMES.join(', ')}`,
    );
  }

  return entity;
}
