import { z } from 'zod';

/** Comparisons a condition can make between an order field and the rule's value. */
export const COMPARISONS = [
  'equals',
  'not_equals',
  'contains',
  'starts_with',
  'ends_with',
  'matches',
  'greater_than',
  'less_than',
  'in_list',
  'is_empty',
  'exists',
  'map_all',
] as const;

export type Comparison = (typeof COMPARISONS)[number];

/** The kinds of rule the wizard offers; a template is a catalogue rule copied into the account. */
export const RULE_TYPES = [
  'map_on_condition',
  'map_value',
  'map_field',
  'map_product',
  'template',
] as const;

export type RuleType = (typeof RULE_TYPES)[number];

export const ACTION_KINDS = [
  // Order rewrites: change the canonical order itself.
  'order_number',
  'order_status',
  'currency',
  'po_number',
  'billing_company',
  // Order decisions: go into OrderReady.overrides for the posting service.
  'transaction_type',
  'do_not_import',
  'order_date',
  'due_date',
  'ship_date',
  'class',
  'location',
  'sales_rep',
  'ar_account',
  'deposit_account',
  'payment_method',
  'terms',
  'price_level',
  'tax_code',
  'shipping_tax_code',
  'discount_tax_code',
  'shipping_item',
  'discount_item',
  'customer_name',
  'memo',
  // Line rewrites and decisions, applied to each line the conditions select.
  'sku',
  'quantity_multiplier',
  'item',
  'line_class',
  'line_tax_code',
  'unit_of_measure',
  'inventory_site',
  'line_description',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

const MAX_TEXT = 500;

export const conditionSchema = z.object({
  /** Join with the condition before it; AND binds before OR. Ignored on the first condition. */
  join: z.enum(['and', 'or']).default('and'),
  field: z.string().trim().min(1, 'must name a field such as line.sku or channel').max(200),
  comparison: z.enum(COMPARISONS),
  /** The value to compare with; unused by is_empty, exists and map_all. */
  value: z.string().max(MAX_TEXT).default(''),
  /** The list for in_list. */
  values: z.array(z.string().max(MAX_TEXT)).max(10_000).default([]),
});

export type Condition = z.infer<typeof conditionSchema>;

export const actionSchema = z.object({
  kind: z.enum(ACTION_KINDS),
  /** The value to set. Blank copies `from`, or when `from` is blank the first condition's field. */
  value: z.string().max(MAX_TEXT).default(''),
  /** A field whose value the action copies, for "map one field to another" rules. */
  from: z.string().trim().max(200).default(''),
});

export type Action = z.infer<typeof actionSchema>;

export const ruleScopeSchema = z.object({
  /** Connections the rule applies to; empty applies it to every connection of the account. */
  connectionIds: z.array(z.string().min(1).max(200)).max(1_000).default([]),
});

/** A rule as an API caller writes it; the service assigns `ruleId` when it is absent. */
export const ruleInputSchema = z.object({
  ruleId: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, _ and -')
    .optional(),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  enabled: z.boolean().default(true),
  type: z.enum(RULE_TYPES).default('map_on_condition'),
  /** The catalogue template the rule came from, when `type` is template. */
  template: z.string().max(100).optional(),
  scope: ruleScopeSchema.default({ connectionIds: [] }),
  conditions: z.array(conditionSchema).max(100).default([]),
  action: actionSchema,
});

export type RuleInput = z.input<typeof ruleInputSchema>;

/** A stored rule: its position is its index in the rule set's ordered list. */
export const ruleSchema = ruleInputSchema.extend({ ruleId: z.string().min(1) });

export type Rule = z.infer<typeof ruleSchema>;
