import { type EntityName, type JsonObject } from '../company/company';
import { duplicateNameFault, invalidValueFault } from '../faults/qbo-fault';
import {
  optionalBoolean,
  optionalDecimal,
  optionalReference,
  requiredString,
  sameName,
} from './field-checks';
import { decimalToNumber } from './decimal';
import { type EntityBuilder, type WriteContext } from './write-context';

/** Maximum Name length of classes, locations, terms and payment methods, as for accounts. */
const MAX_NAME_LENGTH = 100;

/** Name lists whose entries can have a parent, and the flag QBO sets on a child. */
const SUB_FLAGS: Partial<Record<EntityName, string>> = {
  Class: 'SubClass',
  Department: 'SubDepartment',
};

/**
 * Builds an entry of a name list (Class, Department, Term, PaymentMethod). Names are unique in
 * the list, trimmed and case-insensitively. A class or location with a ParentRef gets the
 * `Parent:Child` FullyQualifiedName, so the same leaf name may sit under two parents.
 */
function nameListBuilder(
  entity: EntityName,
  extra: (input: JsonObject) => JsonObject,
): EntityBuilder {
  return {
    entity,

    build(input: JsonObject, context: WriteContext): JsonObject {
      const name = requiredString(input, 'Name', MAX_NAME_LENGTH).trim();
      const subFlag = SUB_FLAGS[entity];
      const parent = subFlag
        ? optionalReference(input, context.company, entity, 'ParentRef')
        : undefined;
      const parentName = parent
        ? String(context.company.get(entity, parent.value)?.FullyQualifiedName ?? parent.name)
        : undefined;
      const fullName = parentName ? `${parentName}:${name}` : name;

      assertUniqueName(entity, fullName, context);

      return {
        ...input,
        Name: name,
        ...(subFlag ? { [subFlag]: parent !== undefined, FullyQualifiedName: fullName } : {}),
        ...(parent ? { ParentRef: parent } : {}),
        Active: optionalBoolean(input, 'Active') ?? true,
        ...extra(input),
      };
    },
  };
}

export const classBuilder = nameListBuilder('Class', () => ({}));

export const departmentBuilder = nameListBuilder('Department', () => ({}));

export const paymentMethodBuilder = nameListBuilder('PaymentMethod', (input) => {
  const type = input.Type ?? 'NON_CREDIT_CARD';

  if (type !== 'CREDIT_CARD' && type !== 'NON_CREDIT_CARD') {
    throw invalidValueFault('Type', type, 'CREDIT_CARD or NON_CREDIT_CARD');
  }

  return { Type: type };
});

export const termBuilder = nameListBuilder('Term', (input) => {
  const dueDays = optionalDecimal(input, 'DueDays');
  const discountDays = optionalDecimal(input, 'DiscountDays');

  return {
    Type: input.Type ?? 'STANDARD',
    DueDays: dueDays ? decimalToNumber(dueDays) : 0,
    DiscountDays: discountDays ? decimalToNumber(discountDays) : 0,
  };
});

function assertUniqueName(entity: EntityName, fullName: string, context: WriteContext): void {
  const existingId = context.existing?.Id;
  const clash = context.company.find(
    entity,
    (entry) =>
      entry.Id !== existingId && sameName(entry.FullyQualifiedName ?? entry.Name, fullName),
  );

  if (clash) {
    throw duplicateNameFault(entity === 'Department' ? 'location' : entity.toLowerCase(), 'Name');
  }
}
