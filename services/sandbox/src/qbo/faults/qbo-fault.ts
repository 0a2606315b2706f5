/**
 * Faults in the shape QuickBooks Online returns them, and builders for the codes the sandbox
 * raises. Messages and codes follow Intuit's published error-code table. Detail texts copy the
 * real service's wording where it is known and otherwise describe the problem.
 */

/** One entry of `Fault.Error`. */
export interface QboFaultError {
  Message: string;
  Detail?: string;
  code: string;
  element?: string;
}

/** The `Fault.type` values the sandbox produces. */
export type QboFaultType =
  'ValidationFault' | 'SystemFault' | 'AUTHENTICATION' | 'SERVICE' | 'AuthorizationFault';

export class QboFault extends Error {
  constructor(
    readonly httpStatus: number,
    readonly type: QboFaultType,
    readonly errors: QboFaultError[],
  ) {
    super(errors.map((error) => `${error.code} ${error.Message}`).join('; '));
  }

  get primary(): QboFaultError {
    return this.errors[0];
  }
}

function validation(code: string, message: string, detail: string, element = ''): QboFault {
  return new QboFault(400, 'ValidationFault', [
    { Message: message, Detail: detail, code, element },
  ]);
}

/** 2010: a property that the entity's schema does not define, or a value of the wrong type. */
export function unsupportedPropertyFault(typeName: string, property: string, element: string) {
  return validation(
    '2010',
    'Request has invalid or unsupported property',
    `Property Name:Unrecognized field "${property}" (class com.intuit.schema.finance.v3.${typeName}), ` +
      'not marked as ignorable specified is unsupported or invalid',
    element,
  );
}

/** 2010 for a value that cannot be read as the element's type, such as a non-numeric Amount. */
export function invalidValueFault(element: string, value: unknown, expected: string) {
  return validation(
    '2010',
    'Request has invalid or unsupported property',
    `Property Name:${element} has the value ${JSON.stringify(value)}, expected ${expected}, ` +
      'specified is unsupported or invalid',
    element,
  );
}

/** 2020: a required element is absent. */
export function requiredParamMissingFault(element: string) {
  return validation(
    '2020',
    'Required param missing, need to supply the required value for the API',
    `Required parameter ${element} is missing in the request`,
    element,
  );
}

/** 2050: a string longer than the entity allows. */
export function stringLengthFault(element: string, maxLength: number, suppliedLength: number) {
  return validation(
    '2050',
    'String length is either shorter or longer than supported by specification',
    `String length specified does not match the supported length. Min:0 Max:${maxLength} ` +
      `supplied length:${suppliedLength}`,
    element,
  );
}

/** 2170: a value outside the element's enumeration in the schema. */
export function invalidEnumerationFault(element: string, value: unknown) {
  return validation(
    '2170',
    'Invalid Enumeration',
    `Invalid Enumeration : ${String(value)}`,
    element,
  );
}

/** 2500: a reference to an object that does not exist. */
export function invalidReferenceFault(element: string, entity: string, id: unknown) {
  return validation(
    '2500',
    'Invalid Reference Id',
    `Invalid Reference Id : ${entity} with Id ${JSON.stringify(id)} does not exist`,
    element,
  );
}

/** 610: the object is missing or was made inactive. QBO responds with HTTP 400, not 404. */
export function objectNotFoundFault(element = '') {
  return validation(
    '610',
    'Object Not Found',
    "Object Not Found : Something you're trying to use has been made inactive. " +
      'Check the fields with accounts, customers, items, vendors or employees.',
    element,
  );
}

/** 5010: the request's SyncToken is not the object's current one. */
export function staleObjectFault() {
  return validation(
    '5010',
    'Stale Object Error',
    'Stale Object Error : You and Sandbox User were working on this at the same time. ' +
      'Sandbox User finished before you did, so your work was not saved.',
    'SyncToken',
  );
}

/** 6000: the generic business validation error. */
export function businessValidationFault(detail: string, element = '') {
  return validation(
    '6000',
    'A business validation error has occurred while processing your request',
    `Business Validation Error: ${detail}`,
    element,
  );
}

/** 6000 for a feature QuickBooks supports but the sandbox does not model. */
export function notModelledFault(feature: string, element = '') {
  return businessValidationFault(`The QuickBooks sandbox does not support ${feature}.`, element);
}

/** 6010: an Account without AccountType and AccountSubType. */
export function accountTypeMissingFault() {
  return validation(
    '6010',
    'Invalid Account.AccountType && Account.SubType',
    'Either an Account.AccountType or an Account.AccountSubType must be specified',
    'AccountType',
  );
}

/** 6070: a sales line whose Amount differs from Qty × UnitPrice. */
export function amountCalculationFault(suppliedAmount: unknown, element: string) {
  return validation(
    '6070',
    'Amount calculation incorrect in the request',
    `Amount is not equal to UnitPrice * Qty. Supplied value:${String(suppliedAmount)}`,
    element,
  );
}

/** 6080: a name entity without any name field. */
export function noNameProvidedFault() {
  return validation(
    '6080',
    'No Name Provided',
    'Title, GivenName, MiddleName, FamilyName, DisplayName, Suffix - one of these must be non-empty',
    'DisplayName',
  );
}

/** 6090: a discount line with neither amount nor percent. */
export function discountMissingInfoFault(element: string) {
  return validation(
    '6090',
    'Discount Line missing required info.',
    'Discount amount or percent should be provided.',
    element,
  );
}

/** 6100: a US sales line tax code other than TAX or NON. */
export function invalidLineTaxCodeFault(value: unknown, element: string) {
  return validation(
    '6100',
    'Invalid Line TaxCode in the request',
    `Valid Line TaxCodes for US should be TAX or NON. Supplied value:${String(value)}`,
    element,
  );
}

/** 6140: a DocNumber that another transaction of the same type already uses. */
export function duplicateDocNumberFault(docNumber: string, entity: string, txnId: string) {
  return validation(
    '6140',
    'Duplicate Document Number Error',
    'Duplicate Document Number Error : You must specify a different number. This number has ' +
      `already been used. DocNumber=${docNumber} is assigned to TxnType=${entity} with TxnId=${txnId}`,
    'DocNumber',
  );
}

/** 6240: a name that another list object already uses. */
export function duplicateNameFault(otherObjects: string, element: string) {
  return validation(
    '6240',
    'Duplicate Name Exists Error',
    `The name supplied already exists. : Another ${otherObjects} is already using this name. ` +
      'Please use a different name.',
    element,
  );
}

/** 4000: the query text does not parse. */
export function queryParserFault(detail: string) {
  return validation('4000', 'Error parsing query', `QueryParserError: ${detail}`);
}

/** 4001: the query parses but names an unknown entity or property. */
export function invalidQueryFault(detail: string) {
  return validation('4001', 'Invalid query', `QueryValidationError: ${detail}`);
}

/** Code 500: a path or operation the API does not offer. QBO responds with HTTP 400. */
export function unsupportedOperationFault(operation: string) {
  return validation('500', 'Unsupported Operation', `Operation ${operation} is not supported.`);
}

/** 10000: an internal failure, sent with HTTP 500. */
export function systemFailureFault(httpStatus = 500, message?: string, code = '10000') {
  return new QboFault(httpStatus, 'SystemFault', [
    {
      Message: message ?? 'An application error has occurred while processing your request',
      Detail:
        'System Failure Error: An unexpected error occurred while accessing or saving your data. ' +
        'Please wait a few minutes and try again.',
      code,
      element: '',
    },
  ]);
}

/** 3200: a missing, unknown, expired or revoked access token. */
export function authenticationFault(detail: string) {
  return new QboFault(401, 'AUTHENTICATION', [
    {
      Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
      Detail: detail,
      code: '3200',
    },
  ]);
}

/** 3100: the token is valid but not allowed to use this company. */
export function authorizationFault() {
  return new QboFault(403, 'SERVICE', [
    { Message: 'message=AuthorizationFailed; errorCode=003100; statusCode=403', code: '3100' },
  ]);
}

/** 3001: the realm made more requests than its rate limit allows. */
export function throttleFault() {
  return new QboFault(429, 'SERVICE', [
    {
      Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
      Detail: 'The request limit was reached.  Try again later',
      code: '3001',
    },
  ]);
}

/**
 * Builds the fault for a batch request with more items than QBO accepts in one call.
 *
 * NOTE: Intuit documents the 30-item limit but not the fault it returns; the sandbox reports it
 * as a 2010 validation fault on `BatchItemRequest`.
 */
export function batchTooLargeFault(itemCount: number, maxItems: number) {
  return validation(
    '2010',
    'Request has invalid or unsupported property',
    `BatchItemRequest has ${itemCount} items; the maximum is ${maxItems} per batch`,
    'BatchItemRequest',
  );
}
