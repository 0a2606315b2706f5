// Shared helpers for the chart checks: locate helm, stage the chart and render it to objects.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const chartDir = join(repoRoot, 'deploy/helm/qbsync');
export const productionValues = join(chartDir, 'values-production.yaml');
export const helmBin = process.env.HELM ?? join(repoRoot, '.tools/bin/helm');
export const releaseName = 'qbsync';

let stagedChart;

/**
 * Copies the chart to a temporary folder without its `dependencies`, and returns the copy's path.
 * `helm template` rejects a chart whose declared dependencies are not in charts/, even when their
 * conditions are false, and the checks run offline with the NATS and MongoDB charts disabled.
 */
export function stageChart() {
  if (stagedChart) {
    return stagedChart;
  }

  const root = mkdtempSync(join(tmpdir(), 'qbsync-chart-'));
  const target = join(root, 'qbsync');
  cpSync(chartDir, target, { recursive: true });

  const chartFile = join(target, 'Chart.yaml');
  const chart = yaml.load(readFileSync(chartFile, 'utf8'));
  delete chart.dependencies;
  writeFileSync(chartFile, yaml.dump(chart));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  stagedChart = target;

  return target;
}

/** Runs `helm template` and returns its YAML output. Throws an error with helm's stderr on failure. */
export function helmTemplate({ valuesFiles = [], set = [] } = {}) {
  const args = ['template', releaseName, stageChart()];

  for (const file of valuesFiles) {
    args.push('--values', file);
  }

  for (const assignment of set) {
    args.push('--set', assignment);
  }

  try {
    return execFileSync(helmBin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = error.stderr?.toString().trim() ?? '';
    throw new Error(`helm ${args.join(' ')} failed: ${stderr || error.message}`);
  }
}

/** Renders the chart and returns every object it produces, in output order. */
export function renderObjects(options) {
  return parseManifests(helmTemplate(options));
}

export function parseManifests(text) {
  return yaml.loadAll(text).filter((object) => object !== null && object !== undefined);
}

/** Key that names an object within one namespace, e.g. "apps/v1 Deployment qbsync-qbo". */
export function objectKey(object) {
  return `${object.apiVersion} ${object.kind} ${object.metadata.name}`;
}
