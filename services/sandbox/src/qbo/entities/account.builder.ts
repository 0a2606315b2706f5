import { type JsonObject } from '../company/company';
import { accountTypeMissingFault, duplicateNameFault, notModelledFault } from '../faults/qbo-fault';
import {
  checkEnumeration,
  optionalBoolean,
  optionalString,
  requiredString,
  resolveCurrency,
  sameName,
} from './field-checks';
import { type EntityBuilder, type WriteContext } from './write-context';

const MAX_NAME_LENGTH = 100;

/** Classification of each AccountTypeEnum value, as QBO derives it. */
const CLASSIFICATION_BY_TYPE: Record<string, string> = {
  Bank: 'Asset',
  'Accounts Receivable': 'Asset',
  'Other Current Asset': 'Asset',
  'Fixed Asset': 'Asset',
  'Other Asset': 'Asset',
  'Accounts Payable': 'Liability',
  'Credit Card': 'Liability',
  'Other Current Liability': 'Liability',
  'Long Term Liability': 'Liability',
  Equity: 'Equity',
  Income: 'Revenue',
  'Other Income': 'Revenue',
  'Cost of Goods Sold': 'Expense',
  Expense: 'Expense',
  'Other Expense': 'Expense',
};

/** AccountType of the sub-types a request may send alone. */
const TYPE_BY_SUB_TYPE: Record<string, string> = {
  Checking: 'Bank',
  Savings: 'Bank',
  MoneyMarket: 'Bank',
  CashOnHand: 'Bank',
  UndepositedFunds: 'Other Current Asset',
  Inventory: 'Other Current Asset',
  OtherCurrentAssets: 'Other Current Asset',
  SalesOfProductIncome: 'Income',
  ServiceFeeIncome: 'Income',
  OtherPrimaryIncome: 'Income',
  DiscountsRefundsGiven: 'Income',
  SuppliesMaterialsCogs: 'Cost of Goods Sold',
  OtherCostsOfServiceCos: 'Cost of Goods Sold',
  BankCharges: 'Expense',
  OtherMiscellaneousServiceCost: 'Expense',
  SalesTaxPayable: 'Other Current Liability',
  OtherCurrentLiabilities: 'Other Current Liability',
};

export const accountBuilder: EntityBuilder = {
  entity: 'Account',

  build(input: JsonObject, context: WriteContext): JsonObject {
    const name = requiredString(input, 'Name', MAX_NAME_LENGTH).trim();

    assertUniqueName(name, context);
    const { accountType, subType } = readTypes(input, context);
    const classification = CLASSIFICATION_BY_TYPE[accountType];

    if (!classification) {
      throw notModelledFault(`AccountType ${accountType}`, 'AccountType');
    }

    return {
      ...input,
      Name: name,
      SubAccount: false,
      FullyQualifiedName: name,
      Active: optionalBoolean(input, 'Active') ?? true,
      Classification: classification,
      AccountType: accountType,
      ...(subType ? { AccountSubType: subType } : {}),
      CurrentBalance: context.existing?.CurrentBalance ?? 0,
      CurrentBalanceWithSubAccounts: context.existing?.CurrentBalanceWithSubAccounts ?? 0,
      CurrencyRef: resolveCurrency(input, context.company),
    };
  },
};

/** Reads AccountType and AccountSubType. QBO requires at least one of the two (6010). */
function readTypes(input: JsonObject, context: WriteContext) {
  const accountType = optionalString(input, 'AccountType');
  const subType = optionalString(input, 'AccountSubType');

  if (accountType) {
    checkEnumeration(context.catalogue, 'AccountTypeEnum', 'AccountType', accountType);

    return { accountType, subType };
  }

  if (!subType) {
    throw accountTypeMissingFault();
  }

  const derived = TYPE_BY_SUB_TYPE[subType];

  if (!derived) {
    throw notModelledFault(`AccountSubType ${subType} without AccountType`, 'AccountSubType');
  }

  return { accountType: derived, subType };
}

function assertUniqueName(name: string, context: WriteContext): void {
  const existingId = context.existing?.Id;
  const clash = context.company.find(
    'Account',
    (account) => account.Id !== existingId && sameName(account.Name, name),
  );

  if (clash) {
    throw duplicateNameFault('account', 'Name');
  }
}
