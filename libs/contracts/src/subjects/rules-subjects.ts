/**
 * Request/reply subjects of the rules service's rule API, which the gateway's
 * `/api/accounts/:accountId/rules` routes call. The rules service defines and validates the request
 * and reply bodies. Each reply is the result, or an error with code `invalid_request`, `not_found`
 * or `conflict` and a message naming the rule and the problem.
 */
export const RuleSubjects = {
  /** The account's current rules, target and version. */
  List: 'rules.rules.list.1',
  /** Add one rule at a position (the end by default). */
  Create: 'rules.rule.create.1',
  /** Replace one rule, keeping its position. */
  Update: 'rules.rule.update.1',
  Delete: 'rules.rule.delete.1',
  /** Put the rules in a new order, given as the full list of rule ids. */
  Reorder: 'rules.rules.reorder.1',
  /** The account's rule-set versions, newest first, or one version with its rules. */
  Versions: 'rules.rule-set.versions.1',
  /** Make a new version equal to an earlier one. */
  Restore: 'rules.rule-set.restore.1',
  /** Run the rules (or a draft) on a recent order and report what each rule did and why. */
  Preview: 'rules.rules.preview.1',
  /** Run a draft over recent orders and report what would change, posting nothing. */
  Replay: 'rules.rules.replay.1',
  /** Import rules from CSV or JSON, or a mapping table from CSV; `dryRun` stores nothing. */
  Import: 'rules.rules.import.1',
  /** Export the rules as CSV or JSON. */
  Export: 'rules.rules.export.1',
  /** The catalogue of common rules, fields, comparisons and actions. */
  Catalogue: 'rules.catalogue.get.1',
} as const;
