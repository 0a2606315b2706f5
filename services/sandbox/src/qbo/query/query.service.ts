import { Inject, Injectable } from '@nestjs/common';

import { type Company, ENTITY_NAMES, type EntityName } from '../company/company';
import { invalidQueryFault, queryParserFault } from '../faults/qbo-fault';
import { XSD_CATALOGUE } from '../qbo.tokens';
import { type XsdCatalogue } from '../schema/xsd-catalogue';
import { executeQuery } from './query-executor';
import { type ParsedQuery, parseQuery, QueryParseError } from './query-parser';

/** Runs query-language statements against a company and shapes QBO's QueryResponse. */
@Injectable()
export class QueryService {
  constructor(@Inject(XSD_CATALOGUE) private readonly catalogue: XsdCatalogue) {}

  run(company: Company, text: string | undefined): Record<string, unknown> {
    const query = this.parse(text ?? '');
    const entity = resolveEntity(query.entity);

    this.checkFields(entity, query);
    const result = executeQuery(query, company.list(entity));

    if (result.kind === 'count') {
      return { QueryResponse: { totalCount: result.totalCount } };
    }

    if (result.rows.length === 0) {
      return { QueryResponse: {} };
    }

    return {
      QueryResponse: {
        [entity]: result.rows,
        startPosition: result.startPosition,
        maxResults: result.rows.length,
      },
    };
  }

  private parse(text: string): ParsedQuery {
    try {
      return parseQuery(text);
    } catch (error) {
      if (error instanceof QueryParseError) {
        throw queryParserFault(error.message);
      }

      throw error;
    }
  }

  /** Raises 4001 for a field whose first segment the entity's schema does not define. */
  private checkFields(entity: EntityName, query: ParsedQuery): void {
    const known = new Set(
      [...(this.catalogue.propertiesOf(entity)?.keys() ?? [])].map((name) => name.toLowerCase()),
    );
    const selected = query.selection.kind === 'fields' ? query.selection.fields : [];
    const fields = [
      ...selected,
      ...query.conditions.map((condition) => condition.field),
      ...query.orderBy.map((term) => term.field),
    ];

    for (const field of fields) {
      if (!known.has(field.split('.')[0].toLowerCase())) {
        throw invalidQueryFault(`property '${field}' is not queryable`);
      }
    }
  }
}

function resolveEntity(name: string): EntityName {
  const entity = ENTITY_NAMES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());

  if (!entity) {
    throw invalidQueryFault(`Entity ${name} is not supported by the QuickBooks sandbox`);
  }

  return entity;
}
