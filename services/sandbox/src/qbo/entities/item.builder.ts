import { type JsonObject } from '../company/company';
import {
  duplicateNameFault,
  notModelledFault,
  requiredParamMissingFault,
} from '../faults/qbo-fault';
import { decimalToNumber } from './decimal';
import {
  checkEnumeration,
  optionalBoolean,
  optionalDate,
  optionalDecimal,
  optionalReference,
  optionalString,
  requiredString,
  sameName,
} from './field-checks';
import { type EntityBuilder, type WriteContext } from './write-context';

const MAX_NAME_LENGTH = 100;

/** Item types that the sandbox models. The XSD enumeration also lists QuickBooks Desktop types. */
const MODELLED_TYPES = new Set(['Inventory', 'NonInventory', 'Service', 'Category']);

/**
 * Item types that need an income account. The XSD annotation of IncomeAccountRef lists
 * Inventory, Product (NonInventory in QBO) and Service.
 */
const INCOME_ACCOUNT_TYPES = new Set(['Inventory', 'NonInventory', 'Service']);

/** Elements an Inventory item must have. The first missing one is reported. */
const INVENTORY_REQUIRED = [
  'IncomeAccountRef',
  'ExpenseAccountRef',
  'AssetAccountRef',
  'QtyOnHand',
  'InvStartDate',
];

export const itemBuilder: EntityBuilder = {
  entity: 'Item',

  build(input: JsonObject, context: WriteContext): JsonObject {
    const name = requiredString(input, 'Name', MAX_NAME_LENGTH).trim();

    assertUniqueName(name, context);
    const type = readType(input, context);

    assertRequiredForType(input, type);
    const accounts = resolveAccounts(input, context);
    const quantity = optionalDecimal(input, 'QtyOnHand');

    optionalDate(input, 'InvStartDate');
    optionalString(input, 'Description', 4000);

    return {
      ...input,
      ...accounts,
      Name: name,
      FullyQualifiedName: name,
      Active: optionalBoolean(input, 'Active') ?? true,
      Taxable: optionalBoolean(input, 'Taxable') ?? false,
      Type: type,
      TrackQtyOnHand: type === 'Inventory',
      ...(quantity ? { QtyOnHand: decimalToNumber(quantity) } : {}),
      UnitPrice: decimalToNumber(optionalDecimal(input, 'UnitPrice') ?? { units: 0n, scale: 0 }),
      PurchaseCost: decimalToNumber(
        optionalDecimal(input, 'PurchaseCost') ?? { units: 0n, scale: 0 },
      ),
    };
  },
};

function readType(input: JsonObject, context: WriteContext): string {
  const type = requiredString(input, 'Type');

  checkEnumeration(context.catalogue, 'ItemTypeEnum', 'Type', type);
  if (!MODELLED_TYPES.has(type)) {
    throw notModelledFault(`Item Type ${type}`, 'Type');
  }

  return type;
}

function assertRequiredForType(input: JsonObject, type: string): void {
  const required =
    type === 'Inventory'
      ? INVENTORY_REQUIRED
      : INCOME_ACCOUNT_TYPES.has(type)
        ? ['IncomeAccountRef']
        : [];

  for (const element of required) {
    if (input[element] === undefined || input[element] === null) {
      throw requiredParamMissingFault(element);
    }
  }
}

function resolveAccounts(input: JsonObject, context: WriteContext): JsonObject {
  const accounts: JsonObject = {};

  for (const element of ['IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef']) {
    const reference = optionalReference(input, context.company, 'Account', element);

    if (reference) {
      accounts[element] = reference;
    }
  }

  return accounts;
}

function assertUniqueName(name: string, context: WriteContext): void {
  const existingId = context.existing?.Id;
  const clash = context.company.find(
    'Item',
    (item) => item.Id !== existingId && sameName(item.Name, name),
  );

  if (clash) {
    throw duplicateNameFault('product or service', 'Name');
  }
}
