import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { type Response } from 'express';

import { BatchService } from '../batch/batch.service';
import { CdcService } from '../cdc/cdc.service';
import { type EntityName } from '../company/company';
import { entityForPath } from '../entities/entity-registry';
import { unsupportedOperationFault } from '../faults/qbo-fault';
import { QueryService } from '../query/query.service';
import { EntityService } from './entity.service';
import { type ApiCall, QboApiService } from './qbo-api.service';
import { QboAuthGuard } from './qbo-auth.guard';

type QueryParams = Record<string, unknown>;

/**
 * The QuickBooks Online Accounting API v3 under `/v3/company/:realmId`. The `minorversion`
 * parameter is accepted and ignored. The batch, CDC and query routes come first so that `batch`,
 * `cdc` and `query` are not read as entity names.
 */
@Controller('v3/company/:realmId')
@UseGuards(QboAuthGuard)
export class QboApiController {
  constructor(
    private readonly api: QboApiService,
    private readonly entities: EntityService,
    private readonly queries: QueryService,
    private readonly batches: BatchService,
    private readonly changes: CdcService,
  ) {}

  /** Up to 30 operations in one call; counts against both the request and the batch limits. */
  @Post('batch')
  async batch(
    @Param('realmId') realmId: string,
    @Query() params: QueryParams,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    await this.respond(res, {
      realmId,
      method: 'POST',
      entityKey: 'batch',
      isWrite: true,
      isBatch: true,
      requestId: stringParam(params.requestid) || undefined,
      run: (company) => this.batches.run(company, body),
    });
  }

  /** Change data capture: `?entities=Customer,Item&changedSince=<date-time>`. */
  @Get('cdc')
  async changeDataCapture(
    @Param('realmId') realmId: string,
    @Query() params: QueryParams,
    @Res() res: Response,
  ) {
    await this.respond(res, {
      realmId,
      method: 'GET',
      entityKey: 'cdc',
      isWrite: false,
      run: (company) =>
        this.changes.run(company, stringParam(params.entities), stringParam(params.changedSince)),
    });
  }

  @Get('query')
  async queryByGet(
    @Param('realmId') realmId: string,
    @Query() params: QueryParams,
    @Res() res: Response,
  ) {
    await this.runQuery(realmId, 'GET', stringParam(params.query), res);
  }

  /** Accepts the statement as an `application/text` body, or in the `query` parameter. */
  @Post('query')
  async queryByPost(
    @Param('realmId') realmId: string,
    @Query() params: QueryParams,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const text = typeof body === 'string' && body.trim() !== '' ? body : stringParam(params.query);

    await this.runQuery(realmId, 'POST', text, res);
  }

  @Get(':entity/:id')
  async read(
    @Param('realmId') realmId: string,
    @Param('entity') path: string,
    @Param('id') id: string,
    @Res() res: Response,
  ) {
    const entity = this.entityOrFault(path, `read of /${path}`);
    // QBO reads CompanyInfo at /companyinfo/<realmId>, and its object Id is 1.
    const objectId = entity === 'CompanyInfo' && id === realmId ? '1' : id;

    await this.respond(res, {
      realmId,
      method: 'GET',
      entityKey: entity,
      isWrite: false,
      run: (company) => ({ [entity]: this.entities.read(company, entity, objectId) }),
    });
  }

  /** Preferences has one object per company and is read without an Id. */
  @Get(':entity')
  async readSingleton(
    @Param('realmId') realmId: string,
    @Param('entity') path: string,
    @Res() res: Response,
  ) {
    const entity = this.entityOrFault(path, `read of /${path} without an Id`);

    if (entity !== 'Preferences') {
      throw unsupportedOperationFault(`read of /${path} without an Id`);
    }

    await this.respond(res, {
      realmId,
      method: 'GET',
      entityKey: entity,
      isWrite: false,
      run: (company) => ({ Preferences: this.entities.read(company, 'Preferences', '1') }),
    });
  }

  /** Create, update (with Id and SyncToken) or delete (`operation=delete`). */
  @Post(':entity')
  async write(
    @Param('realmId') realmId: string,
    @Param('entity') path: string,
    @Query() params: QueryParams,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const entity = this.entityOrFault(path, `write to /${path}`);
    const include = new Set(
      stringParam(params.include)
        .split(',')
        .map((value) => value.trim().toLowerCase())
        .filter(Boolean),
    );

    await this.respond(res, {
      realmId,
      method: 'POST',
      entityKey: entity,
      isWrite: true,
      requestId: stringParam(params.requestid) || undefined,
      run: (company) =>
        this.entities.write(company, entity, body, {
          operation: stringParam(params.operation) || undefined,
          include,
        }),
    });
  }

  private async runQuery(realmId: string, method: string, text: string, res: Response) {
    await this.respond(res, {
      realmId,
      method,
      entityKey: 'query',
      isWrite: false,
      run: (company) => this.queries.run(company, text),
    });
  }

  private async respond(res: Response, call: ApiCall): Promise<void> {
    await this.api.respond(res, call);
  }

  private entityOrFault(path: string, operation: string): EntityName {
    const entity = entityForPath(path);

    if (!entity) {
      throw unsupportedOperationFault(operation);
    }

    return entity;
  }
}

function stringParam(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
