// Writes k8s/ (kustomize base and overlays) from the chart, or with --check reports the files that
// differ from a fresh render. With --kustomize BIN it builds each overlay with that kustomize and
// compares the result with the chart's render.
// Usage: node render-k8s.mjs --write | --check | --kustomize BIN
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { dirname, join, relative } from 'node:path';

import * as prettier from 'prettier';

import { baseFiles, overlayFiles } from './kustomize.mjs';
import {
  chartDir,
  objectKey,
  parseManifests,
  productionValues,
  renderObjects,
  repoRoot,
} from './lib.mjs';

const k8sDir = join(repoRoot, 'k8s');

export const OVERLAYS = [
  {
    name: 'development',
    namespace: 'qbsync-dev',
    valuesFile: join(chartDir, 'values-development.yaml'),
  },
  { name: 'production', namespace: 'qbsync', valuesFile: productionValues },
];

/** Renders every file under k8s/base and k8s/overlays, formatted as Prettier would. */
export async function renderK8sFiles() {
  const baseObjects = renderObjects();
  const files = baseFiles(baseObjects);

  for (const overlay of OVERLAYS) {
    const overlayObjects = renderObjects({ valuesFiles: [overlay.valuesFile] });
    const generated = overlayFiles({ ...overlay, baseObjects, overlayObjects });

    for (const [path, content] of generated) {
      files.set(path, content);
    }
  }

  const options = (await prettier.resolveConfig(join(k8sDir, 'base/kustomization.yaml'))) ?? {};
  const formatted = new Map();

  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    formatted.set(path, await prettier.format(content, { ...options, parser: 'yaml' }));
  }

  return formatted;
}

function listFiles(dir) {
  if (!existsSync(dir)) {
    return [];
  }

  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(k8sDir, join(entry.parentPath, entry.name)));
}

function committedFiles() {
  return [...listFiles(join(k8sDir, 'base')), ...listFiles(join(k8sDir, 'overlays'))];
}

async function write() {
  const files = await renderK8sFiles();
  rmSync(join(k8sDir, 'base'), { recursive: true, force: true });
  rmSync(join(k8sDir, 'overlays'), { recursive: true, force: true });

  for (const [path, content] of files) {
    mkdirSync(dirname(join(k8sDir, path)), { recursive: true });
    writeFileSync(join(k8sDir, path), content);
  }

  console.log(`wrote ${files.size} files under k8s/`);
}

async function check() {
  const files = await renderK8sFiles();
  const problems = [];

  for (const [path, content] of files) {
    const file = join(k8sDir, path);

    if (!existsSync(file)) {
      problems.push(`k8s/${path} is missing`);
    } else if (readFileSync(file, 'utf8') !== content) {
      problems.push(`k8s/${path} differs from the chart`);
    }
  }

  for (const path of committedFiles()) {
    if (!files.has(path)) {
      problems.push(`k8s/${path} is not produced by the chart`);
    }
  }

  if (problems.length > 0) {
    console.error(problems.map((problem) => `  ${problem}`).join('\n'));
    console.error(
      'k8s/ is out of date: run `bash scripts/check-deploy --render-k8s` and commit it.',
    );
    process.exit(1);
  }

  console.log(`k8s/ matches the chart (${files.size} files)`);
}

/** Builds k8s/base and each overlay with kustomize and compares them with the chart's renders. */
function compareKustomize(kustomize) {
  const cases = [{ name: 'base', dir: 'base', valuesFiles: [] }];

  for (const overlay of OVERLAYS) {
    const dir = `overlays/${overlay.name}`;
    cases.push({ name: overlay.name, dir, valuesFiles: [overlay.valuesFile] });
  }

  const problems = [];

  for (const { name, dir, valuesFiles } of cases) {
    const output = execFileSync(kustomize, ['build', join(k8sDir, dir)], { encoding: 'utf8' });
    const expected = new Map(
      renderObjects({ valuesFiles }).map((object) => [objectKey(object), object]),
    );

    for (const object of parseManifests(output)) {
      // The overlays set a namespace, which the chart's render leaves out.
      delete object.metadata.namespace;
      const key = objectKey(object);

      if (!expected.has(key)) {
        problems.push(`${name}: ${key} is not in the chart's render`);
      } else if (!isDeepStrictEqual(object, expected.get(key))) {
        problems.push(`${name}: ${key} differs from the chart's render`);
      }

      expected.delete(key);
    }

    for (const key of expected.keys()) {
      problems.push(`${name}: ${key} is missing from the kustomize build`);
    }
  }

  if (problems.length > 0) {
    console.error(problems.map((problem) => `  ${problem}`).join('\n'));
    process.exit(1);
  }

  console.log(
    `kustomize build of ${cases.map((c) => c.name).join(', ')} equals the chart's renders`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv[2];

  if (mode === '--write') {
    await write();
  } else if (mode === '--check') {
    await check();
  } else if (mode === '--kustomize' && process.argv[3]) {
    compareKustomize(process.argv[3]);
  } else {
    console.error('usage: node render-k8s.mjs --write | --check | --kustomize BIN');
    process.exit(2);
  }
}
