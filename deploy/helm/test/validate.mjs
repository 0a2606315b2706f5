// Validates every object in the given manifest files against the Kubernetes API schemas that the
// kubernetes-models package bundles. Usage: node validate.mjs FILE... Lists every invalid or
// unknown object in every file, and exits 1 when there is at least one.
import { readFileSync } from 'node:fs';

import { parseManifests } from './lib.mjs';

/** Module path of an apiVersion in kubernetes-models, e.g. "apps/v1" -> kubernetes-models/apps/v1. */
function modelModule(apiVersion) {
  return apiVersion.includes('/') ? `kubernetes-models/${apiVersion}` : `kubernetes-models/v1`;
}

async function validateObject(object) {
  const where = `${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;

  if (!object.apiVersion || !object.kind) {
    return `${where}: apiVersion or kind is missing`;
  }

  let models;

  try {
    models = await import(modelModule(object.apiVersion));
  } catch {
    return `${where}: apiVersion ${object.apiVersion} is not in kubernetes-models`;
  }

  const Model = models[object.kind];

  if (!Model) {
    return `${where}: kind ${object.kind} is not in ${object.apiVersion}`;
  }

  try {
    new Model(object).validate();
  } catch (error) {
    return `${where}: ${error.message}`;
  }

  return undefined;
}

const files = process.argv.slice(2);

if (files.length === 0) {
  console.error('usage: node validate.mjs MANIFEST.yaml...');
  process.exit(2);
}

let failed = false;

for (const file of files) {
  const objects = parseManifests(readFileSync(file, 'utf8'));
  const problems = [];

  for (const object of objects) {
    const problem = await validateObject(object);

    if (problem) {
      problems.push(problem);
    }
  }

  if (objects.length === 0) {
    problems.push('no objects found');
  }

  if (problems.length > 0) {
    failed = true;
    console.error(`${file}: ${problems.length} invalid object(s)`);

    for (const problem of problems) {
      console.error(`  ${problem}`);
    }
  } else {
    console.log(`${file}: ${objects.length} objects valid`);
  }
}

process.exit(failed ? 1 : 0);
