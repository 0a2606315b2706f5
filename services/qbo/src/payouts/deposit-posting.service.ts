import { Injectable } from '@nestjs/common';
import {
  decimalToMinor,
  minorToDecimal,
  type Payout,
  type PayoutReady,
  type QboPostingSettings,
  type SyncEvent,
} from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { QboApiClient, quoteQueryValue } from '../api/qbo-api.client';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { QboTokenService } from '../connection/qbo-token.service';
import { CompanyListsService } from '../lists/company-lists.service';
import { CompanySettingsService } from '../matching/company-settings.service';
import { type QboSession } from '../matching/qbo-session';
import { DocumentWriter } from '../posting/document-writer';
import { describeFailure, isTransient } from '../posting/posting-failures';
import { type LedgerKey, PostingLedgerRepository } from '../posting/posting-ledger.repository';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { DepositMatcher } from './deposit-matcher';
import {
  buildDepositPlan,
  depositAmount,
  type DepositPlanLine,
  type MatchedDocument,
} from './deposit-plan';
import {
  openPayoutSession,
  type PayoutSyncFields,
  publishPayoutEvent,
  STALE_CLAIM_MILLISECONDS,
} from './payout-session';

/** The posting ledger's and sync log's document kind of a payout's bank deposit. */
export const DEPOSIT_DOCUMENT_KIND = 'deposit';

/**
 * Transaction modes whose orders leave their money in Undeposited Funds as one document per
 * order (a sales receipt, or a payment of an invoice), which a deposit can take out.
 */
const DEPOSIT_MATCH_MODES = new Set<QboPostingSettings['transactionMode']>([
  'sales_receipt',
  'invoice_with_payment',
]);

/** Account types each deposit match account must have, as QuickBooks Online names them. */
const ACCOUNT_TYPES = {
  bank: ['Bank'],
  fee: ['Expense', 'Other Expense'],
};

interface DepositAccounts {
  bankId: string;
  feeId?: string;
  clearingId?: string;
  feesReceivedFromId?: string;
}

/**
 * Posts each paid payout as one QuickBooks Online bank Deposit under deposit match. The deposit
 * links every matched sales receipt, payment and refund receipt, so QuickBooks takes them out of
 * Undeposited Funds, nets the fees on one line and equals the payout amount to the cent. A payout
 * posts only when fully matched, unless it is forced. The payout id is claimed in the posting
 * ledger, so a redelivery posts nothing, and a retry after an unanswered write first looks for
 * the deposit by its memo.
 */
@Injectable()
export class DepositPostingService {
  private readonly logger: AppLogger;

  constructor(
    private readonly ledger: PostingLedgerRepository,
    private readonly matcher: DepositMatcher,
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
    private readonly client: QboApiClient,
    private readonly company: CompanySettingsService,
    private readonly lists: CompanyListsService,
    private readonly writer: DocumentWriter,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(DepositPostingService.name);
  }

  /**
   * Posts the payout's deposit, or records why it does not post. `lastAttempt` means no
   * redelivery follows, so a transient failure is recorded as a failure.
   */
  async post(
    ready: PayoutReady,
    settings: QboPostingSettings,
    lastAttempt: boolean,
  ): Promise<'done' | 'retry'> {
    const { payout } = ready;

    if (!DEPOSIT_MATCH_MODES.has(settings.transactionMode)) {
      await this.record(payout, 'rejected', `rejected-mode:${settings.transactionMode}`, {
        message: `Payout ${payout.payoutId} was not deposited: deposit match needs orders posted as sales receipts or invoices with payments, but the transaction mode is ${settings.transactionMode}`,
        fix: 'Set transactionMode to sales_receipt or invoice_with_payment, or turn depositMatch.enabled off, then re-sync the payout',
      });

      return 'done';
    }

    if (payout.status !== 'paid') {
      await this.record(payout, 'skipped', `waiting:${payout.status}`, {
        message: `Payout ${payout.payoutId} is ${payout.status}, so it is deposited once the processor reports it paid`,
      });

      return 'done';
    }

    const key = depositKey(payout);
    const posted = await this.ledger.findByKey(key);

    if (posted?.state === 'posted') {
      await this.recordAlreadyPosted(payout, posted.documentId);

      return 'done';
    }

    try {
      const session = await openPayoutSession(
        this.connections,
        this.tokens,
        this.client,
        payout.accountId,
      );

      return await this.matchAndPost(ready, settings, session, lastAttempt);
    } catch (error) {
      if (isTransient(error) && !lastAttempt) {
        this.logger.warn('Matching a payout to its documents failed, so it will be retried', {
          accountId: payout.accountId,
          payoutId: payout.payoutId,
          reason: (error as Error).message,
        });

        return 'retry';
      }

      const { message, fix } = describeDepositFailure(error, payout);

      await this.record(payout, 'failed', `failed-match:${payout.source.receivedAt}`, {
        message,
        fix,
      });

      return 'done';
    }
  }

  private async matchAndPost(
    ready: PayoutReady,
    settings: QboPostingSettings,
    session: QboSession,
    lastAttempt: boolean,
  ): Promise<'done' | 'retry'> {
    const { payout } = ready;
    const match = await this.matcher.match(payout, settings, session, lastAttempt);

    if (match.outcome === 'retry') {
      return 'retry';
    }

    const force = ready.force === true || settings.depositMatch.forceUnmatched;
    const plan = buildDepositPlan(payout, match.matched, match.unmatched, { force });

    if (plan.outcome === 'unmatched') {
      this.logger.warn('A payout does not match its documents, so no deposit was posted', {
        accountId: payout.accountId,
        payoutId: payout.payoutId,
        unmatched: match.unmatched.length,
        gap: plan.gap,
      });
      await this.record(payout, 'failed', `unmatched:${payout.source.receivedAt}`, {
        message: plan.message,
        fix: 'Re-sync the orders and refunds the payout names, or re-sync the payout with force to post the gap to the clearing account',
      });

      return 'done';
    }

    if (plan.lines.length === 0) {
      await this.record(payout, 'skipped', `empty:${payout.source.receivedAt}`, {
        message: `Payout ${payout.payoutId} has no transactions and a zero amount, so there is nothing to deposit`,
      });

      return 'done';
    }

    if (plan.notes.length > 0) {
      this.logger.warn('A payout deposit carries lines to the clearing account', {
        accountId: payout.accountId,
        payoutId: payout.payoutId,
        notes: plan.notes,
      });
    }

    return this.postDeposit(payout, settings, plan, match.matched, session, lastAttempt);
  }

  private async postDeposit(
    payout: Payout,
    settings: QboPostingSettings,
    plan: { lines: DepositPlanLine[]; total: number; notes: string[] },
    matched: MatchedDocument[],
    session: QboSession,
    lastAttempt: boolean,
  ): Promise<'done' | 'retry'> {
    const key = depositKey(payout);
    const claim = await this.ledger.claim(
      key,
      this.client.newRequestId(),
      STALE_CLAIM_MILLISECONDS,
    );

    if (claim.outcome === 'already_posted') {
      await this.recordAlreadyPosted(payout, claim.entry.documentId);

      return 'done';
    }

    if (claim.outcome === 'busy') {
      return 'retry';
    }

    const attempt = claim.entry.attempts;
    const memo = depositMemo(payout);

    try {
      const build = async (): Promise<Record<string, unknown>> =>
        buildDepositBody(
          payout,
          plan.lines,
          memo,
          await this.resolveAccounts(session, settings, plan.lines),
        );
      const created = await this.writer.create(session, 'Deposit', build, claim.entry.requestId, {
        mayHaveLanded: claim.mayHaveLanded,
        note: memo,
        txnDate: payout.date,
        batchItemId: claim.entry._id,
      });
      const total = decimalToMinor(String(created.TotalAmt), payout.currency);

      await this.ledger.markPosted(
        key,
        { realmId: session.realmId, documentId: created.Id, documentTotal: total },
        attempt,
      );
      await this.recordPosted(
        payout,
        settings,
        plan,
        matched.length,
        session.realmId,
        created.Id,
        total,
      );

      return 'done';
    } catch (error) {
      if (isTransient(error) && !lastAttempt) {
        await this.ledger.release(key, (error as Error).message);
        this.logger.warn('QuickBooks did not complete the deposit, so it will be retried', {
          accountId: payout.accountId,
          payoutId: payout.payoutId,
          reason: (error as Error).message,
        });

        return 'retry';
      }

      const { message, fix } = describeDepositFailure(error, payout);

      await this.ledger.markFailed(key, message, attempt);
      await this.record(payout, 'failed', `failed:${attempt}`, { message, fix });

      return 'done';
    }
  }

  /**
   * Finds the accounts and the fee customer the deposit names. It checks that the bank account is
   * a Bank account and the fee account an expense account, because QuickBooks accepts any account
   * there and the money would land in the wrong place. The fee and clearing accounts are looked
   * up only when a line uses them.
   */
  private async resolveAccounts(
    session: QboSession,
    settings: QboPostingSettings,
    lines: DepositPlanLine[],
  ): Promise<DepositAccounts> {
    const { depositMatch } = settings;
    const bankId = await this.company.findAccountId(session, depositMatch.bankAccount);
    const accounts: DepositAccounts = { bankId };

    await this.checkAccountType(
      session,
      bankId,
      'bankAccount',
      depositMatch.bankAccount,
      ACCOUNT_TYPES.bank,
    );

    if (lines.some((line) => line.kind === 'fees')) {
      accounts.feeId = await this.company.findAccountId(session, depositMatch.feeAccount);
      await this.checkAccountType(
        session,
        accounts.feeId,
        'feeAccount',
        depositMatch.feeAccount,
        ACCOUNT_TYPES.fee,
      );

      if (depositMatch.feesReceivedFrom) {
        accounts.feesReceivedFromId = await this.findCustomerId(
          session,
          depositMatch.feesReceivedFrom,
        );
      }
    }

    if (lines.some((line) => line.kind === 'clearing')) {
      accounts.clearingId = await this.company.findAccountId(session, depositMatch.clearingAccount);
    }

    return accounts;
  }

  private async checkAccountType(
    session: QboSession,
    accountId: string,
    setting: string,
    name: string,
    allowed: string[],
  ): Promise<void> {
    const snapshot = await this.lists.get(session.accountId);
    const account = snapshot.accounts.find((entry) => entry.id === accountId);

    if (account && !allowed.includes(account.accountType)) {
      throw new PostingError(
        `The depositMatch.${setting} "${name}" is a ${account.accountType} account, not ${allowed.join(' or ')}`,
        `Set depositMatch.${setting} to an account of type ${allowed.join(' or ')} in the QuickBooks Online settings, then re-sync the payout`,
        PostingErrorCode.AccountNotFound,
      );
    }
  }

  /**
   * Finds the customer named as `Received From for Fees` by display name.
   * NOTE: vendors are not looked up yet, so a vendor's name fails the deposit.
   */
  private async findCustomerId(session: QboSession, name: string): Promise<string> {
    const rows = await session.query<{ Id: string }>(
      'Customer',
      `select Id from Customer where DisplayName = ${quoteQueryValue(name)}`,
    );

    if (!rows[0]) {
      throw new PostingError(
        `QuickBooks has no customer named "${name}", the depositMatch.feesReceivedFrom setting`,
        `Create the customer "${name}" in QuickBooks Online or change depositMatch.feesReceivedFrom, then re-sync the payout`,
        PostingErrorCode.CustomerNotFound,
      );
    }

    return rows[0].Id;
  }

  private async recordPosted(
    payout: Payout,
    settings: QboPostingSettings,
    plan: { total: number; notes: string[] },
    documents: number,
    realmId: string,
    documentId: string,
    total: number,
  ): Promise<void> {
    const format = (amount: number): string =>
      `${minorToDecimal(amount, payout.currency)} ${payout.currency}`;
    const notes = [...plan.notes];

    if (total !== plan.total) {
      notes.push(
        `QuickBooks computed ${format(total)} but the deposit calls for ${format(plan.total)}`,
      );
      this.logger.warn('Posted deposit total differs from the planned total', {
        accountId: payout.accountId,
        payoutId: payout.payoutId,
        documentId,
      });
    }

    await this.record(payout, 'posted', `posted:${documentId}`, {
      message: `Posted payout ${payout.payoutId} as deposit ${documentId} of ${format(total)} to ${settings.depositMatch.bankAccount}, taking ${documents} documents out of Undeposited Funds${notes.length ? `; ${notes.join('; ')}` : ''}`,
      documentId,
      documentTotal: total,
      realmId,
    });
  }

  private async recordAlreadyPosted(payout: Payout, documentId: string | undefined): Promise<void> {
    await this.record(payout, 'skipped', `skipped:${payout.source.receivedAt}`, {
      message: `Payout ${payout.payoutId} was already posted as deposit ${documentId ?? 'unknown'}; this delivery changed nothing in QuickBooks`,
      documentId,
    });
  }

  private async record(
    payout: Payout,
    status: SyncEvent['status'],
    suffix: string,
    fields: PayoutSyncFields & { message: string },
  ): Promise<void> {
    await publishPayoutEvent(
      this.syncEvents,
      payout,
      DEPOSIT_DOCUMENT_KIND,
      status,
      `${DEPOSIT_DOCUMENT_KIND}:${suffix}`,
      fields,
    );
  }
}

/** Returns the ledger key of a payout's one deposit: the payout id, so each posts once. */
export function depositKey(payout: Payout): LedgerKey {
  return {
    accountId: payout.accountId,
    channel: payout.channel,
    channelOrderId: `payout:${payout.payoutId}`,
    documentKind: DEPOSIT_DOCUMENT_KIND,
  };
}

/**
 * Returns the deposit's PrivateNote, which finds it again after an unanswered write. The word
 * after the id keeps payout 1's memo from matching payout 10's.
 */
export function depositMemo(payout: Payout): string {
  return `${payout.channel} payout ${payout.payoutId} deposit`;
}

/**
 * Describes a failure as the order posting does, in terms of the payout's deposit: the shared
 * description starts with the order's number, which a payout does not have.
 */
function describeDepositFailure(error: unknown, payout: Payout): { message: string; fix: string } {
  const placeholder = `payout ${payout.payoutId}`;
  const { message, fix } = describeFailure(error, placeholder);
  const orderPrefix = `Order ${placeholder} was not posted`;

  return {
    message: message.startsWith(orderPrefix)
      ? `Payout ${payout.payoutId} was not deposited${message.slice(orderPrefix.length)}`
      : message,
    fix: fix.replace(/re-sync the order\b/g, 're-sync the payout'),
  };
}

/**
 * Builds the Deposit request body from the planned lines, in Intuit's Deposit shape.
 * NOTE: the body has no CurrencyRef, so a payout in another currency than the company's home
 * currency posts its amounts unconverted.
 */
export function buildDepositBody(
  payout: Payout,
  lines: DepositPlanLine[],
  memo: string,
  accounts: DepositAccounts,
): Record<string, unknown> {
  return {
    TxnDate: payout.date,
    PrivateNote: memo,
    DepositToAccountRef: { value: accounts.bankId },
    Line: lines.map((line) => {
      const amount = depositAmount(line.amount, payout.currency);

      if (line.linked) {
        return {
          Amount: amount,
          LinkedTxn: [{ TxnId: line.linked.txnId, TxnType: line.linked.txnType, TxnLineId: '0' }],
        };
      }

      const isFee = line.kind === 'fees';

      return {
        Amount: amount,
        Description: line.description,
        DetailType: 'DepositLineDetail',
        DepositLineDetail: {
          AccountRef: { value: isFee ? accounts.feeId : accounts.clearingId },
          ...(isFee && accounts.feesReceivedFromId
            ? { Entity: { value: accounts.feesReceivedFromId, type: 'Customer' } }
            : {}),
        },
      };
    }),
  };
}
