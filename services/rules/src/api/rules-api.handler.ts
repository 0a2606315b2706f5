import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parseMessage, RuleSubjects } from '@qbsync/contracts';
import { type z } from 'zod';

import { ACTIONS } from '../engine/actions';
import { FIELDS } from '../engine/fields';
import { COMPARISONS } from '../engine/rule.model';
import { RULE_TEMPLATES } from '../engine/templates';
import { MAPPING_TABLES, RULE_CSV_COLUMNS } from '../transfer/rules-csv';
import { RulePreviewService } from './rule-preview.service';
import { RuleSetEditorService } from './rule-set-editor.service';
import { rulesApiError } from './rules-api.errors';
import {
  createFromTemplateRequestSchema,
  createRequestSchema,
  deleteRequestSchema,
  exportRequestSchema,
  importRequestSchema,
  listRequestSchema,
  previewRequestSchema,
  reorderRequestSchema,
  replayRequestSchema,
  restoreRequestSchema,
  updateRequestSchema,
  versionsRequestSchema,
} from './rules-api.schemas';

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = parseMessage(schema, payload);

  if (!parsed.ok) {
    throw rulesApiError('invalid_request', parsed.error);
  }

  return parsed.value;
}

/** Request/reply handlers of the rules API; the gateway's /api/accounts/:accountId/rules calls them. */
@Controller()
export class RulesApiHandler {
  constructor(
    private readonly editor: RuleSetEditorService,
    private readonly preview: RulePreviewService,
  ) {}

  @MessagePattern(RuleSubjects.List)
  list(@Payload() payload: unknown) {
    return this.editor.list(parse(listRequestSchema, payload));
  }

  /** Creates a rule, or with `fromTemplate` a rule from a catalogue template. */
  @MessagePattern(RuleSubjects.Create)
  create(@Payload() payload: unknown) {
    if (payload !== null && typeof payload === 'object' && 'fromTemplate' in payload) {
      return this.editor.createFromTemplate(parse(createFromTemplateRequestSchema, payload));
    }

    return this.editor.create(parse(createRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Update)
  update(@Payload() payload: unknown) {
    return this.editor.update(parse(updateRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Delete)
  delete(@Payload() payload: unknown) {
    return this.editor.delete(parse(deleteRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Reorder)
  reorder(@Payload() payload: unknown) {
    return this.editor.reorder(parse(reorderRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Versions)
  versions(@Payload() payload: unknown) {
    return this.editor.versions(parse(versionsRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Restore)
  restore(@Payload() payload: unknown) {
    return this.editor.restore(parse(restoreRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Preview)
  runPreview(@Payload() payload: unknown) {
    return this.preview.preview(parse(previewRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Replay)
  replay(@Payload() payload: unknown) {
    return this.preview.replay(parse(replayRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Import)
  import(@Payload() payload: unknown) {
    return this.editor.import(parse(importRequestSchema, payload));
  }

  @MessagePattern(RuleSubjects.Export)
  export(@Payload() payload: unknown) {
    return this.editor.export(parse(exportRequestSchema, payload));
  }

  /** Fields, comparisons, actions, templates and file layouts, for the rule wizard. */
  @MessagePattern(RuleSubjects.Catalogue)
  catalogue() {
    return {
      fields: [...FIELDS.values()].map(({ id, label, type, scope }) => ({
        id,
        label,
        type,
        scope,
      })),
      fieldPatterns: [
        { pattern: 'custom.<name>', meaning: 'an order custom field, compared as text' },
        { pattern: 'line.custom.<name>', meaning: 'a line custom field, compared as text' },
        { pattern: 'path.<field>', meaning: 'any other field of the canonical order, as text' },
      ],
      comparisons: COMPARISONS,
      actions: [...ACTIONS.values()],
      templates: RULE_TEMPLATES,
      csvColumns: RULE_CSV_COLUMNS,
      mappingTables: MAPPING_TABLES,
    };
  }
}
