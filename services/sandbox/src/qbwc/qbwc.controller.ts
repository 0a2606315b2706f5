import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Put,
} from '@nestjs/common';
import { z } from 'zod';

import { type QuickBooksCompany } from './company/quickbooks-company';
import { fromCents } from './company/money';
import { type SessionReport, WebConnectorClient } from './client/web-connector-client';
import { QbwcStore } from './qbwc.store';

const companySchema = z.object({
  companyFile: z.string().min(1).optional(),
  features: z
    .object({
      inventorySites: z.boolean(),
      unitsOfMeasure: z.boolean(),
      multicurrency: z.boolean(),
      priceLevels: z.boolean(),
    })
    .partial()
    .default({}),
  vendors: z.array(z.string().min(1)).default([]),
  employees: z.array(z.string().min(1)).default([]),
  customers: z.array(z.string().min(1)).default([]),
  items: z.array(z.string().min(1)).default([]),
});

const runSchema = z.object({
  appUrl: z.url(),
  userName: z.string().min(1),
  password: z.string().min(1),
  /** Run sessions until the service reports no work (at most this many). */
  maxSessions: z.number().int().positive().max(10_000).default(1),
  sessionBudgetMs: z.number().int().positive().optional(),
  quickBooksMsPerRequest: z.number().int().nonnegative().default(0),
  faults: z
    .array(z.enum(['none', 'quickbooks_unavailable', 'drop_response', 'give_up']))
    .default([]),
});

const faultSchema = z.object({
  requestName: z.string().min(1).optional(),
  statusCode: z.number().int(),
  statusMessage: z.string().optional(),
  times: z.number().int().positive().default(1),
});

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});

  if (!result.success) {
    throw new BadRequestException(
      result.error.issues
        .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; '),
    );
  }

  return result.data;
}

/**
 * Drives the QuickBooks Desktop stand-in over HTTP: create a simulated company file, run Web
 * Connector sessions against a service's AppURL, inject QuickBooks status codes, and read what the
 * company holds.
 */
@Controller('qbwc-sandbox/companies')
export class QbwcController {
  constructor(private readonly store: QbwcStore) {}

  @Put(':companyId')
  create(
    @Param('companyId') companyId: string,
    @Body() body: unknown,
  ): { companyId: string; companyFile: string } {
    const options = parse(companySchema, body);
    const company = this.store.create(companyId, options);

    return { companyId, companyFile: company.companyFile };
  }

  @Post(':companyId/sessions')
  async run(
    @Param('companyId') companyId: string,
    @Body() body: unknown,
  ): Promise<SessionReport[]> {
    const company = this.require(companyId);
    const options = parse(runSchema, body);
    const client = new WebConnectorClient({ ...options, company });

    for (const fault of options.faults) {
      client.injectFault(fault);
    }

    return client.runUntilIdle(options.maxSessions);
  }

  @Post(':companyId/faults')
  injectFault(@Param('companyId') companyId: string, @Body() body: unknown): { queued: number } {
    const company = this.require(companyId);

    company.faults.push(parse(faultSchema, body));

    return { queued: company.faults.length };
  }

  @Get(':companyId')
  describe(@Param('companyId') companyId: string): object {
    const company = this.require(companyId);

    return {
      companyFile: company.companyFile,
      features: company.features,
      lists: [...company.lists.values()].map((record) => ({
        kind: record.kind,
        type: record.retType,
        listId: record.listId,
        fullName: record.fullName,
        isActive: record.isActive,
      })),
      transactions: [...company.transactions.values()].map((txn) => ({
        txnId: txn.txnId,
        type: txn.type,
        refNumber: txn.refNumber,
        txnDate: txn.txnDate,
        entityName: txn.entityName,
        memo: txn.memo,
        total: fromCents(txn.total),
        open: fromCents(txn.open),
      })),
    };
  }

  private require(companyId: string): QuickBooksCompany {
    const company = this.store.get(companyId);

    if (!company) {
      throw new NotFoundException(
        `company ${companyId} not found; create it with PUT /qbwc-sandbox/companies/${companyId}`,
      );
    }

    return company;
  }
}
