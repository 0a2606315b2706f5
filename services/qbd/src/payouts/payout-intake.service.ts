import { Injectable } from '@nestjs/common';
import { decimalToMinor, type Payout, type PayoutReady } from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { CompanyFileRepository } from '../company/company-file.repository';
import { withSettingDefaults } from '../posting/qbd-settings';
import { formatAmount } from '../qbxml/qbxml-fields';
import { type QueueEntryDocument } from '../queue/queue-entry.schema';
import { QueueRepository } from '../queue/queue.repository';
import {
  buildDepositEntry,
  depositEntryId,
  MATCHED_TYPES,
  type MatchedPayoutLine,
  payoutGap,
} from './payout-entries';

/** Queue entry states whose document has put (or will put) money in Undeposited Funds. */
const LIVE_STATES = new Set(['queued', 'posted', 'held', 'failed', 'unknown']);

/**
 * Turns a paid payout into one queued DepositAdd. The deposit depends on the queue entries of
 * the sales receipts, payments and credit card refunds it takes out of Undeposited Funds, so it
 * goes out only after they posted, with their TxnIDs filled in at send time.
 */
@Injectable()
export class PayoutIntake {
  private readonly logger: AppLogger;

  constructor(
    private readonly companyFiles: CompanyFileRepository,
    private readonly queue: QueueRepository,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(PayoutIntake.name);
  }

  async queuePayout(ready: PayoutReady, lastAttempt: boolean): Promise<'ack' | 'retry'> {
    const { payout } = ready;

    if (payout.status !== 'paid') {
      await this.publish(payout, `not-paid:${payout.status}`, {
        status: 'skipped',
        message: `Payout ${payout.payoutId} is ${payout.status}; it is deposited in QuickBooks Desktop once the processor reports it paid`,
      });

      return 'ack';
    }

    const companyFile = await this.companyFiles.findByAccountId(payout.accountId);

    if (!companyFile) {
      await this.publish(payout, 'not-paired', {
        status: 'failed',
        message: 'The account has no QuickBooks Desktop company file paired',
        fix: 'Pair the company file, add the .qwc file to the Web Connector, then re-sync the payout',
      });

      return 'ack';
    }

    const depositId = depositEntryId(payout);

    if ((await this.queue.findIndex([depositId])).length > 0) {
      this.logger.info('Payout is already queued as a deposit; nothing queued again', {
        accountId: payout.accountId,
        payoutId: payout.payoutId,
      });

      return 'ack';
    }

    if (payout.currency !== companyFile.homeCurrency) {
      // TODO: deposit payouts in a foreign currency with the bank account's exchange rate.
      await this.publish(payout, 'currency', {
        status: 'rejected',
        message: `Payout ${payout.payoutId} is in ${payout.currency}, but the company file's home currency is ${companyFile.homeCurrency}; only home-currency payouts are deposited`,
        fix: 'Record the deposit in QuickBooks by hand',
      });

      return 'ack';
    }

    const gap = payoutGap(payout);

    if (gap !== 0) {
      const net = payout.amount - gap;

      await this.publish(payout, 'unbalanced', {
        status: 'failed',
        message: `Payout ${payout.payoutId} is ${this.money(payout, payout.amount)} ${payout.currency}, but its ${payout.transactions.length} transactions add up to ${this.money(payout, net)}: a gap of ${this.money(payout, gap)}. No deposit was queued`,
        fix: 'Check the payout on the channel for missing transactions, then re-sync it',
      });

      return 'ack';
    }

    const { matched, unmatched } = await this.matchLines(payout);

    if (unmatched.length > 0) {
      if (!lastAttempt) {
        // Orders usually reach the queue before their payout; a late one gets a few seconds.
        return 'retry';
      }

      await this.publish(payout, `unmatched:${unmatched.length}`, {
        status: 'failed',
        message: `Payout ${payout.payoutId} pays out ${unmatched.join(', ')}, which have no QuickBooks Desktop document queued, so no deposit was queued`,
        fix: 'Re-sync those orders and refunds, then re-sync the payout',
      });

      return 'ack';
    }

    const settings = withSettingDefaults(companyFile.settings);
    const result = buildDepositEntry(payout, matched, settings);

    if (result.outcome === 'failed') {
      await this.publish(payout, 'mismatch', {
        status: 'failed',
        message: result.message,
        fix: result.fix,
      });

      return 'ack';
    }

    const existed = await this.queue.insert([result.entry]);

    if (existed.has(depositId)) {
      return 'ack';
    }

    const notes = result.notes.length > 0 ? `; ${result.notes.join('; ')}` : '';

    await this.publish(payout, 'queued', {
      status: 'received',
      message: `Payout ${payout.payoutId} queued as a deposit of ${this.money(payout, result.total)} ${payout.currency} to ${settings.payoutDepositAccount} taking ${matched.length} documents out of Undeposited Funds${notes}`,
    });

    return 'ack';
  }

  /**
   * Finds the queue entry of each charge and refund in the payout: the order's sales receipt or
   * its payment, and the credit card refund of the refund. Returns the matches and a description
   * of every line without one.
   */
  private async matchLines(
    payout: Payout,
  ): Promise<{ matched: MatchedPayoutLine[]; unmatched: string[] }> {
    const matched: MatchedPayoutLine[] = [];
    const unmatched: string[] = [];
    const used = new Set<string>();

    for (const transaction of payout.transactions) {
      if (!MATCHED_TYPES.has(transaction.type)) {
        continue;
      }

      const orderNumber = transaction.orderNumber ?? transaction.channelOrderId ?? '';
      const label = `${transaction.type} ${transaction.transactionId}${orderNumber ? ` (order ${orderNumber})` : ''}`;

      if (!transaction.channelOrderId) {
        unmatched.push(label);
        continue;
      }

      const entry =
        transaction.type === 'charge'
          ? await this.findSaleDocument(payout, transaction.channelOrderId)
          : await this.findCardRefund(payout, transaction, used);

      if (!entry) {
        unmatched.push(label);
        continue;
      }

      used.add(entry._id);
      matched.push({
        transaction,
        entryId: entry._id,
        documentAmount: this.documentAmount(entry),
        orderNumber: orderNumber || transaction.channelOrderId,
      });
    }

    return { matched, unmatched };
  }

  /** The sales receipt, or the payment of an invoice or sales order, that received the sale. */
  private async findSaleDocument(
    payout: Payout,
    channelOrderId: string,
  ): Promise<QueueEntryDocument | undefined> {
    const transaction = await this.queue.findOrderTransaction(
      payout.accountId,
      payout.channel,
      channelOrderId,
    );

    if (!transaction || !LIVE_STATES.has(transaction.state)) {
      return undefined;
    }

    if (transaction.documentKind === 'sales_receipt') {
      return transaction;
    }

    const [payment] = await this.queue.findByIds([`${transaction._id}|payment`]);

    return payment && LIVE_STATES.has(payment.state) ? payment : undefined;
  }

  /** The credit card refund of a refund, by refund id, else the first unused one of that amount. */
  private async findCardRefund(
    payout: Payout,
    transaction: Payout['transactions'][number],
    used: Set<string>,
  ): Promise<QueueEntryDocument | undefined> {
    const creditMemos = await this.queue.findByOrderKey(
      payout.accountId,
      `refund|${payout.channel}|${transaction.channelOrderId}`,
    );
    const cardRefunds = (
      await this.queue.findByIds(creditMemos.map((creditMemo) => `${creditMemo._id}|credit_card`))
    ).filter((entry) => LIVE_STATES.has(entry.state) && !used.has(entry._id));

    return (
      cardRefunds.find(
        (entry) => transaction.sourceId && entry.origin?.entityId === transaction.sourceId,
      ) ?? cardRefunds.find((entry) => this.documentAmount(entry) === transaction.gross)
    );
  }

  /**
   * Returns the amount the entry's document moves through Undeposited Funds, in minor units: a
   * sales receipt's channel total, a payment's TotalAmount or a card refund's negative RefundAmount.
   */
  private documentAmount(entry: QueueEntryDocument): number {
    const currency = entry.origin?.currency ?? 'USD';
    const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(entry.body)?.[1];

    switch (entry.requestName) {
      case 'ReceivePaymentAdd':
        return decimalToMinor(field('TotalAmount') ?? '0', currency);
      case 'ARRefundCreditCardAdd':
        return -decimalToMinor(field('RefundAmount') ?? '0', currency);
      default:
        return entry.origin?.channelTotal ?? 0;
    }
  }

  private money(payout: Payout, minor: number): string {
    return formatAmount(minor, payout.currency);
  }

  private async publish(
    payout: Payout,
    suffix: string,
    fields: {
      status: 'received' | 'rejected' | 'skipped' | 'failed';
      message: string;
      fix?: string;
    },
  ): Promise<void> {
    await this.syncEvents.publish({
      eventId: `${payout.accountId}:${payout.channel}:payout:${payout.payoutId}:qbd:${suffix}`,
      accountId: payout.accountId,
      connectionId: payout.connectionId,
      channel: payout.channel,
      entity: 'payout',
      entityId: payout.payoutId,
      stage: 'qbd',
      currency: payout.currency,
      channelTotal: payout.amount,
      documentKind: 'deposit',
      ...fields,
    });
  }
}
