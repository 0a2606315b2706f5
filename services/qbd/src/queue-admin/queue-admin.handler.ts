import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  parseMessage,
  type QbdOrderReplaceResult,
  qbdOrderReplaceSchema,
  type QbdQueueActionResult,
  qbdQueueActionSchema,
  qbdQueueListSchema,
  type QbdQueuePage,
  Subjects,
} from '@qbsync/contracts';
import { type z } from 'zod';

import { CompanyFileRepository } from '../company/company-file.repository';
import { QueueIntake } from '../queue/queue-intake.service';
import { QueueActionError, QueueAdmin } from './queue-admin.service';

/** Serves the gateway's Queue tab requests and the replace request of an edited order. */
@Controller()
export class QueueAdminHandler {
  constructor(
    private readonly admin: QueueAdmin,
    private readonly intake: QueueIntake,
    private readonly companyFiles: CompanyFileRepository,
  ) {}

  @MessagePattern(Subjects.QbdQueueList)
  async list(@Payload() payload: unknown): Promise<QbdQueuePage> {
    const request = parse(qbdQueueListSchema, payload);

    await this.requirePaired(request.accountId);

    return this.invalidOnError(() => this.admin.list(request));
  }

  @MessagePattern(Subjects.QbdQueueAction)
  async act(@Payload() payload: unknown): Promise<QbdQueueActionResult> {
    const request = parse(qbdQueueActionSchema, payload);

    await this.requirePaired(request.accountId);

    return this.invalidOnError(() => this.admin.act(request));
  }

  @MessagePattern(Subjects.QbdOrderReplace)
  async replace(@Payload() payload: unknown): Promise<QbdOrderReplaceResult> {
    const request = parse(qbdOrderReplaceSchema, payload);

    await this.requirePaired(request.accountId);

    return this.intake.replaceOnRequest(request);
  }

  private async requirePaired(accountId: string): Promise<void> {
    if (!(await this.companyFiles.findByAccountId(accountId))) {
      throw new RpcException({
        code: 'invalid_request',
        message: `account ${accountId} has no QuickBooks Desktop company file paired; pair one first`,
      });
    }
  }

  private async invalidOnError<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof QueueActionError) {
        throw new RpcException({ code: error.code, message: error.message });
      }

      throw error;
    }
  }
}

function parse<T extends z.ZodType>(schema: T, payload: unknown): z.infer<T> {
  const parsed = parseMessage(schema, payload);

  if (!parsed.ok) {
    throw new RpcException({ code: 'invalid_request', message: parsed.error });
  }

  return parsed.value;
}
