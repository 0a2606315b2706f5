import { type CompanyLists } from '@qbsync/contracts';

import { actionDefinition } from './actions';
import { CompiledRuleSet, type RuleProblem } from './compile';
import { type Rule } from './rule.model';

export interface ValidationReport {
  problems: RuleProblem[];
  /**
   * Whether action values were checked against the company's QuickBooks lists. False when the
   * posting service sent no lists, in which case names are accepted and checked when posting.
   */
  listsChecked: boolean;
  /** Explains why the lists were not checked, when they were not. */
  listsNote?: string;
}

/**
 * Checks rules for everything that would stop them compiling: unknown fields, comparisons that do
 * not fit the field, invalid or unsafe regular expressions and bad action values. When `lists` is
 * given, it also checks that each QuickBooks name an action sets exists in the company. `checkListsFor` limits
 * that check to the rules being changed, so a class deleted in QuickBooks since an old rule was
 * saved does not block unrelated changes.
 */
export function validateRules(
  rules: readonly Rule[],
  lists: CompanyLists | undefined,
  listsNote?: string,
  checkListsFor?: ReadonlySet<string>,
): ValidationReport {
  const problems: RuleProblem[] = [];
  const seenIds = new Set<string>();

  for (const rule of rules) {
    if (seenIds.has(rule.ruleId)) {
      problems.push({
        ruleId: rule.ruleId,
        ruleName: rule.name,
        path: 'ruleId',
        message: `rule id ${rule.ruleId} is used by more than one rule; give each rule its own id`,
      });
    }

    seenIds.add(rule.ruleId);
  }

  const compiled = CompiledRuleSet.compile(rules, 0);

  if (!compiled.ok) {
    problems.push(...compiled.problems);
  }

  if (lists) {
    for (const rule of rules) {
      if (checkListsFor && !checkListsFor.has(rule.ruleId)) {
        continue;
      }

      const problem = checkAgainstLists(rule, lists);

      if (problem) {
        problems.push(problem);
      }
    }
  }

  return {
    problems,
    listsChecked: lists !== undefined,
    ...(lists ? {} : { listsNote: listsNote ?? 'QuickBooks lists were not checked' }),
  };
}

function checkAgainstLists(rule: Rule, lists: CompanyLists): RuleProblem | undefined {
  const action = actionDefinition(rule.action.kind);
  const value = rule.action.value.trim();

  if (!action.list || value === '') {
    return undefined;
  }

  if (action.list === 'currencies') {
    const known = lists.currencies.map((code) => code.toUpperCase());

    if (known.length === 0 || known.includes(value.toUpperCase())) {
      return undefined;
    }

    return {
      ruleId: rule.ruleId,
      ruleName: rule.name,
      path: 'action.value',
      message: `currency ${value} is not enabled in the QuickBooks company; enabled currencies: ${known.join(', ')}`,
    };
  }

  const entries = lists[action.list];
  const wanted = value.toLowerCase();
  const entry = entries.find((candidate) => candidate.name.toLowerCase() === wanted);

  if (entry?.active) {
    return undefined;
  }

  const names = entries
    .filter((candidate) => candidate.active)
    .slice(0, 20)
    .map((candidate) => candidate.name);
  const problem = entry
    ? `"${value}" is inactive in QuickBooks; make it active there or pick another`
    : `"${value}" is not in the QuickBooks company's ${listLabel(action.list)}`;

  return {
    ruleId: rule.ruleId,
    ruleName: rule.name,
    path: 'action.value',
    message: `${action.label}: ${problem}${names.length > 0 ? `; known: ${names.join(', ')}` : ''}`,
  };
}

function listLabel(list: string): string {
  return list.replace(/([A-Z])/g, ' $1').toLowerCase();
}

/** Formats problems as one message, one rule problem per sentence, for an error reply. */
export function describeProblems(problems: readonly RuleProblem[]): string {
  return problems
    .slice(0, 20)
    .map((problem) => `Rule "${problem.ruleName}" ${problem.path}: ${problem.message}`)
    .join('; ');
}
