import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  NotFoundException,
  Param,
  PayloadTooLargeException,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { RuleSubjects } from '@qbsync/contracts';
import { parseRequest } from '@qbsync/platform';
import { type Request, type Response } from 'express';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { RulesRpcClient } from './rules-rpc.client';

/**
 * Maximum CSV body the gateway forwards. The file travels to the rules service in one NATS message,
 * and NATS servers accept 1 MB payloads by default. A larger file must be split and imported in
 * parts.
 */
export const MAX_CSV_BYTES = 900 * 1024;

const productMappingFixSchema = z.object({
  sku: z.string().trim().min(1, 'must be the SKU from the failed order'),
  itemName: z.string().trim().min(1, 'must be the QuickBooks item name to post the SKU as'),
});

const missingCustomerFixSchema = z.object({
  email: z.string().trim().min(1, "must be the buyer's email from the failed order"),
  customerName: z.string().trim().min(1, 'must be the QuickBooks customer to post the orders to'),
});

const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

const importQuerySchema = z.object({
  format: z.enum(['csv', 'json']).default('csv'),
  mode: z.enum(['merge', 'replace']).default('merge'),
  dryRun: flag,
});

/** Pages of a long rule list; the rules service sends at most 1,000 rules per reply. */
const pageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().positive().max(1_000).optional(),
});

const exportQuerySchema = pageQuerySchema.extend({
  format: z.enum(['csv', 'json']).default('csv'),
  version: z.coerce.number().int().positive().optional(),
});

const versionParameter = z.coerce
  .number({ error: 'must be a version number such as 3' })
  .int('must be a whole number')
  .positive('must be 1 or more');

const mappingQuerySchema = z.object({ dryRun: flag });
const mappingTableSchema = z.enum(['sku_item', 'shipping_item'], {
  error: 'must be sku_item (SKU to item) or shipping_item (shipping method to item)',
});

/**
 * The account's rules: the ordered list, versions, preview and replay on recent orders, and CSV
 * or JSON import and export. Every change makes a new rule-set version in the rules service.
 */
@Controller('api/accounts/:accountId/rules')
@UseGuards(ApiTokenGuard)
export class RulesController {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly rules: RulesRpcClient,
  ) {}

  /** Lists the rules with `?offset=` and `?limit=` (at most 1,000) for long lists. */
  @Get()
  async list(@Param('accountId') accountId: string, @Query() query: unknown): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.List, {
      accountId,
      ...parseRequest(pageQuerySchema, query),
    });
  }

  /** Fields, comparisons, actions and the catalogue of common rules. */
  @Get('catalogue')
  async catalogue(@Param('accountId') accountId: string): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Catalogue, {});
  }

  /**
   * Body: the rule, with an optional 1-based `position` (the end when absent). With
   * `fromTemplate` (a catalogue template id) the other fields change the template's rule.
   */
  @Post()
  async create(@Param('accountId') accountId: string, @Body() body: unknown): Promise<unknown> {
    await this.requireAccount(accountId);
    const { position, fromTemplate, ...rule } = requireObject(body);

    return this.rules.send(RuleSubjects.Create, {
      accountId,
      rule,
      ...(fromTemplate !== undefined ? { fromTemplate } : {}),
      ...(position !== undefined ? { position } : {}),
    });
  }

  /**
   * Fixes an order that failed because its SKU matches no QuickBooks item: adds an ordinary rule
   * that maps the SKU to the item, which the next re-sync uses. Body: `{ "sku", "itemName" }`.
   */
  @Post('fixes/product-mapping')
  async fixProductMapping(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<unknown> {
    await this.requireAccount(accountId);
    const fix = parseRequest(productMappingFixSchema, body);

    return this.rules.send(RuleSubjects.Create, {
      accountId,
      rule: {
        name: `Map SKU ${fix.sku} to ${fix.itemName}`,
        conditions: [{ field: 'line.sku', comparison: 'equals', value: fix.sku }],
        action: { kind: 'item', value: fix.itemName },
      },
    });
  }

  /**
   * Fixes an order that failed because its customer matches no QuickBooks customer: adds an
   * ordinary rule that posts that buyer's orders to a named customer. Body: `{ "email",
   * "customerName" }`.
   */
  @Post('fixes/missing-customer')
  async fixMissingCustomer(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<unknown> {
    await this.requireAccount(accountId);
    const fix = parseRequest(missingCustomerFixSchema, body);

    return this.rules.send(RuleSubjects.Create, {
      accountId,
      rule: {
        name: `Post orders of ${fix.email} to ${fix.customerName}`,
        conditions: [{ field: 'customer_email', comparison: 'equals', value: fix.email }],
        action: { kind: 'customer_name', value: fix.customerName },
      },
    });
  }

  /** Body: `{ "ruleIds": [...] }`, every rule id of the account in the new order. */
  @Post('reorder')
  async reorder(@Param('accountId') accountId: string, @Body() body: unknown): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Reorder, { ...requireObject(body), accountId });
  }

  @Get('versions')
  async versions(@Param('accountId') accountId: string): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Versions, { accountId });
  }

  @Get('versions/:version')
  async version(
    @Param('accountId') accountId: string,
    @Param('version') version: string,
    @Query() query: unknown,
  ): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Versions, {
      accountId,
      version: parseRequest(z.object({ version: versionParameter }), { version }).version,
      ...parseRequest(pageQuerySchema, query),
    });
  }

  /** Makes a new version equal to the given one. */
  @Post('versions/:version/restore')
  async restore(
    @Param('accountId') accountId: string,
    @Param('version') version: string,
  ): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Restore, {
      accountId,
      version: parseRequest(z.object({ version: versionParameter }), { version }).version,
    });
  }

  /** Body: `order` (order number or channel order id), optional `rules` (a draft) or `version`. */
  @Post('preview')
  async preview(@Param('accountId') accountId: string, @Body() body: unknown): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Preview, { ...requireObject(body ?? {}), accountId });
  }

  /** Body: `rules` (the draft), optional `days`, `connectionId`, `sampleSize`. Posts nothing. */
  @Post('replay')
  async replay(@Param('accountId') accountId: string, @Body() body: unknown): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Replay, { ...requireObject(body), accountId });
  }

  /**
   * Imports rules: a CSV body (`Content-Type: text/csv`) in the published column layout, or a JSON
   * body `{ "rules": [...] }` with `?format=json`. `?dryRun=true` reports without storing.
   */
  @Post('import')
  async import(
    @Param('accountId') accountId: string,
    @Query() query: unknown,
    @Req() request: Request,
  ): Promise<unknown> {
    await this.requireAccount(accountId);
    const options = parseRequest(importQuerySchema, query);
    const content =
      options.format === 'csv' ? await readCsvBody(request) : (request.body as unknown);

    return this.rules.send(RuleSubjects.Import, { accountId, ...options, content });
  }

  /** Imports a two-column mapping table (`sku,item` or `shipping_method,item`) as rules. */
  @Post('mappings/:table')
  async importMapping(
    @Param('accountId') accountId: string,
    @Param('table') table: string,
    @Query() query: unknown,
    @Req() request: Request,
  ): Promise<unknown> {
    await this.requireAccount(accountId);
    const parsedTable = parseRequest(z.object({ table: mappingTableSchema }), { table }).table;
    const options = parseRequest(mappingQuerySchema, query);
    const content = await readCsvBody(request);

    return this.rules.send(RuleSubjects.Import, {
      accountId,
      format: 'mapping_csv',
      table: parsedTable,
      dryRun: options.dryRun,
      content,
    });
  }

  /**
   * Exports the rules (or `?version=`) as CSV, or as JSON with `?format=json`, 1,000 rules at a
   * time: `?offset=` pages through longer rule sets, and each page imports on its own.
   */
  @Get('export')
  @Header('Cache-Control', 'no-store')
  async export(
    @Param('accountId') accountId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    await this.requireAccount(accountId);
    const options = parseRequest(exportQuerySchema, query);
    const exported = await this.rules.send<{
      version: number;
      ruleCount: number;
      offset: number;
      content: unknown;
    }>(RuleSubjects.Export, { accountId, ...options });

    if (options.format === 'json') {
      return {
        version: exported.version,
        ruleCount: exported.ruleCount,
        offset: exported.offset,
        ...(exported.content as object),
      };
    }

    // A client divides the rule count by the page size to fetch a long rule set as CSV pages.
    response.setHeader('X-Rule-Count', String(exported.ruleCount));
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="rules-${accountId}-v${exported.version}.csv"`,
    );

    return exported.content;
  }

  @Put(':ruleId')
  async update(
    @Param('accountId') accountId: string,
    @Param('ruleId') ruleId: string,
    @Body() body: unknown,
  ): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Update, { accountId, ruleId, rule: requireObject(body) });
  }

  @Delete(':ruleId')
  async delete(
    @Param('accountId') accountId: string,
    @Param('ruleId') ruleId: string,
  ): Promise<unknown> {
    await this.requireAccount(accountId);

    return this.rules.send(RuleSubjects.Delete, { accountId, ruleId });
  }

  private async requireAccount(accountId: string): Promise<void> {
    if (!(await this.accounts.findAccount(accountId))) {
      throw new NotFoundException(`account ${accountId} not found`);
    }
  }
}

function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException(
      'the body must be a JSON object; send Content-Type: application/json',
    );
  }

  return body as Record<string, unknown>;
}

/**
 * Reads a text/csv body. The gateway's body parsers handle only JSON and forms, so a CSV body is
 * still unread here; a JSON body `{ "content": "..." }` is accepted too.
 */
async function readCsvBody(request: Request): Promise<string> {
  const parsed = request.body as { content?: unknown } | undefined;

  if (parsed && typeof parsed === 'object' && typeof parsed.content === 'string') {
    return parsed.content;
  }

  if (
    request.readableEnded ||
    !/^text\/(csv|plain)\b/i.test(request.headers['content-type'] ?? '')
  ) {
    throw new BadRequestException(
      'send the CSV as the body with Content-Type: text/csv, or as JSON { "content": "..." }',
    );
  }

  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;

    if (size > MAX_CSV_BYTES) {
      throw new PayloadTooLargeException(
        `the CSV is larger than ${MAX_CSV_BYTES} bytes; split it and import the parts one after another`,
      );
    }

    chunks.push(chunk);
  }

  const text = Buffer.concat(chunks).toString('utf8');

  if (text.trim() === '') {
    throw new BadRequestException('the CSV body is empty');
  }

  return text;
}
