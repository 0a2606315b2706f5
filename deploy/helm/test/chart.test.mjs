// Renders the chart with helm and checks the objects it produces. scripts/check-deploy runs this
// file after it installs helm, and the HELM variable points it at another helm binary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import yaml from 'js-yaml';

import { buildOverlay } from './kustomize.mjs';
import { OVERLAYS, renderK8sFiles } from './render-k8s.mjs';
import { chartDir, helmTemplate, objectKey, productionValues, renderObjects } from './lib.mjs';

const CORE_COMPONENTS = ['gateway', 'rules', 'qbo', 'qbd'];

function ofKind(objects, kind) {
  return objects.filter((object) => object.kind === kind);
}

function byName(objects, kind, name) {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `${kind} ${name} is missing`);

  return found;
}

function componentOf(object) {
  return object.metadata.labels['app.kubernetes.io/component'];
}

function container(deployment) {
  return deployment.spec.template.spec.containers[0];
}

function envValue(deployment, name) {
  return container(deployment).env.find((entry) => entry.name === name);
}

const renders = {
  default: renderObjects(),
  production: renderObjects({ valuesFiles: [productionValues] }),
  twoChannels: renderObjects({
    set: ['connectors.channels.amazon.enabled=true', 'connectors.channels.amazon.replicas=3'],
  }),
};

for (const [renderName, objects] of Object.entries(renders)) {
  describe(`${renderName} values`, () => {
    const deployments = ofKind(objects, 'Deployment');

    test('every deployment has probes', () => {
      assert.ok(deployments.length >= 4);

      for (const deployment of deployments) {
        const { livenessProbe, readinessProbe } = container(deployment);
        const name = deployment.metadata.name;
        assert.equal(livenessProbe?.httpGet?.path, '/health/live', `${name} liveness`);
        assert.equal(livenessProbe.httpGet.port, 'http', `${name} liveness port`);
        assert.equal(readinessProbe?.httpGet?.path, '/health/ready', `${name} readiness`);
        assert.equal(readinessProbe.httpGet.port, 'http', `${name} readiness port`);
      }
    });

    test('every pod is locked down', () => {
      for (const deployment of deployments) {
        const name = deployment.metadata.name;
        const pod = deployment.spec.template.spec;
        const context = container(deployment).securityContext;
        assert.equal(pod.securityContext.runAsNonRoot, true, `${name} pod runAsNonRoot`);
        assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault', `${name} pod`);
        assert.equal(context.runAsNonRoot, true, `${name} runAsNonRoot`);
        assert.equal(context.readOnlyRootFilesystem, true, `${name} readOnlyRootFilesystem`);
        assert.equal(context.allowPrivilegeEscalation, false, `${name} allowPrivilegeEscalation`);
        assert.deepEqual(context.capabilities.drop, ['ALL'], `${name} capabilities`);
        assert.equal(context.seccompProfile.type, 'RuntimeDefault', `${name} seccomp`);
        assert.equal(pod.automountServiceAccountToken, false, `${name} token mount`);
      }
    });

    test('every deployment runs its service', () => {
      for (const deployment of deployments) {
        const component = componentOf(deployment);
        const service = component.startsWith('connectors-') ? 'connectors' : component;
        assert.deepEqual(container(deployment).command, [
          'node',
          `services/${service}/dist/main.js`,
        ]);
        assert.match(container(deployment).image, /^[^\s:]+:[^\s:]+$/);
        assert.ok(container(deployment).resources.requests.memory, `${component} requests`);
        assert.ok(container(deployment).resources.limits.memory, `${component} limits`);
      }
    });

    test('every deployment reads config and secret', () => {
      for (const deployment of deployments) {
        const name = deployment.metadata.name;
        const [configMapSource, secretSource] = container(deployment).envFrom;
        const configMap = byName(objects, 'ConfigMap', configMapSource.configMapRef.name);
        assert.ok(secretSource.secretRef.name, `${name} secret name`);
        assert.match(configMap.data.NATS_URL, /^(nats|tls):\/\//);
        assert.equal(configMap.data.HTTP_HOST, '0.0.0.0');
        assert.equal(
          String(container(deployment).ports[0].containerPort),
          configMap.data.HTTP_PORT,
          `${name} port`,
        );
        assert.match(envValue(deployment, 'MONGODB_URI').value, /^\$\(MONGODB_BASE_URI\)\/qbsync-/);
        assert.equal(ofKind(objects, 'Secret').length, 0, 'the chart creates no Secret');
      }
    });

    test('every component has its objects', () => {
      const kinds = ['Service', 'ServiceAccount', 'PodDisruptionBudget'];
      kinds.push('HorizontalPodAutoscaler', 'NetworkPolicy', 'ConfigMap');

      for (const deployment of deployments) {
        const name = deployment.metadata.name;

        for (const kind of kinds) {
          byName(objects, kind, name);
        }

        const hpa = byName(objects, 'HorizontalPodAutoscaler', name);
        assert.equal(hpa.apiVersion, 'autoscaling/v2');
        assert.equal(hpa.spec.scaleTargetRef.name, name);
      }
    });

    test('network policies allow only http in', () => {
      for (const policy of ofKind(objects, 'NetworkPolicy')) {
        assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
        assert.equal(policy.spec.ingress.length, 1);
        assert.deepEqual(policy.spec.ingress[0].ports, [{ port: 'http', protocol: 'TCP' }]);
        const internet = policy.spec.egress.filter((rule) => rule.to.some((peer) => peer.ipBlock));
        // qbo calls Intuit and each connector polls its channel's API; the rest stay inside.
        const component = componentOf(policy);
        const expected = component === 'qbo' || component.startsWith('connectors-') ? 1 : 0;
        assert.equal(internet.length, expected, `${policy.metadata.name} internet egress`);
      }
    });

    test('no sandbox objects', () => {
      assert.ok(objects.every((object) => !object.metadata.name.includes('sandbox')));
    });
  });
}

describe('connectors', () => {
  test('one deployment per enabled channel', () => {
    const connectors = ofKind(renders.twoChannels, 'Deployment').filter((deployment) =>
      componentOf(deployment).startsWith('connectors-'),
    );
    const channels = connectors.map((deployment) => {
      const configMap = byName(renders.twoChannels, 'ConfigMap', deployment.metadata.name);

      return configMap.data.CHANNEL;
    });
    assert.deepEqual(channels.sort(), ['amazon', 'shopify']);
  });

  test('default enables only shopify', () => {
    const configMap = byName(renders.default, 'ConfigMap', 'qbsync-connectors-shopify');
    assert.equal(configMap.data.CHANNEL, 'shopify');
    const connectors = ofKind(renders.default, 'Deployment').filter((deployment) =>
      componentOf(deployment).startsWith('connectors-'),
    );
    assert.equal(connectors.length, 1);
  });

  test('channel overrides the defaults', () => {
    const hpa = byName(renders.twoChannels, 'HorizontalPodAutoscaler', 'qbsync-connectors-amazon');
    assert.equal(hpa.spec.maxReplicas, 10);
    const noHpa = renderObjects({
      set: [
        'connectors.channels.amazon.enabled=true',
        'connectors.channels.amazon.autoscaling.enabled=false',
        'connectors.channels.amazon.replicas=3',
      ],
    });
    const deployment = byName(noHpa, 'Deployment', 'qbsync-connectors-amazon');
    assert.equal(deployment.spec.replicas, 3);
    const shopify = byName(noHpa, 'Deployment', 'qbsync-connectors-shopify');
    assert.equal(shopify.spec.replicas, undefined, 'shopify keeps its autoscaler');
  });

  test('disabled channel renders nothing', () => {
    const objects = renderObjects({ set: ['connectors.channels.shopify.enabled=false'] });
    assert.ok(objects.every((object) => !object.metadata.name.includes('connectors')));
  });
});

describe('migrations', () => {
  test('one job per service database', () => {
    const jobs = ofKind(renders.twoChannels, 'Job');
    const commands = jobs.map((job) => container(job).command.join(' ')).sort();
    assert.deepEqual(commands, [
      'node services/connectors/dist/migrate.js',
      'node services/gateway/dist/migrate.js',
      'node services/qbd/dist/migrate.js',
      'node services/qbo/dist/migrate.js',
      'node services/rules/dist/migrate.js',
    ]);
  });

  test('jobs run before install and upgrade', () => {
    for (const job of ofKind(renders.default, 'Job')) {
      const name = job.metadata.name;
      assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade', name);
      assert.equal(job.spec.template.spec.restartPolicy, 'Never', name);
    }
  });

  test('jobs get only the database', () => {
    for (const job of ofKind(renders.production, 'Job')) {
      const name = job.metadata.name;
      const names = container(job).env.map((entry) => entry.name);
      assert.deepEqual(names, ['LOG_LEVEL', 'MONGODB_BASE_URI', 'MONGODB_URI'], name);
      assert.equal(container(job).envFrom, undefined, `${name} loads no Secret`);
      const context = container(job).securityContext;
      assert.equal(context.readOnlyRootFilesystem, true, name);
      assert.deepEqual(context.capabilities.drop, ['ALL'], name);
    }
  });

  test('images follow the services', () => {
    const images = ofKind(renders.production, 'Deployment').map((deployment) => [
      componentOf(deployment),
      container(deployment).image,
    ]);
    assert.deepEqual(Object.fromEntries(images), {
      gateway: 'ghcr.io/example/qbsync/gateway:0.1.0',
      rules: 'ghcr.io/example/qbsync/rules:0.1.0',
      qbo: 'ghcr.io/example/qbsync/qbo:0.1.0',
      qbd: 'ghcr.io/example/qbsync/qbd:0.1.0',
      'connectors-shopify': 'ghcr.io/example/qbsync/connectors:0.1.0',
    });
  });

  test('disabled renders no job', () => {
    const objects = renderObjects({ set: ['migrations.enabled=false'] });
    assert.equal(ofKind(objects, 'Job').length, 0);
  });
});

describe('ingress', () => {
  test('routes api and webhooks', () => {
    const objects = renderObjects({
      set: ['ingress.enabled=true', 'connectors.channels.etsy.enabled=true'],
    });
    const [ingress] = ofKind(objects, 'Ingress');
    const routes = Object.fromEntries(
      ingress.spec.rules[0].http.paths.map((path) => [path.path, path.backend.service.name]),
    );
    assert.deepEqual(routes, {
      '/api': 'qbsync-gateway',
      '/oauth': 'qbsync-gateway',
      '/qbwc': 'qbsync-qbd',
      '/webhooks/etsy': 'qbsync-connectors-etsy',
      '/webhooks/shopify': 'qbsync-connectors-shopify',
    });
  });

  test('off by default', () => {
    assert.equal(ofKind(renders.default, 'Ingress').length, 0);
  });
});

describe('databases', () => {
  test('each service has its own database', () => {
    const uris = Object.fromEntries(
      ofKind(renders.default, 'Deployment').map((deployment) => [
        componentOf(deployment),
        envValue(deployment, 'MONGODB_URI').value,
      ]),
    );
    assert.deepEqual(uris, {
      gateway: '$(MONGODB_BASE_URI)/qbsync-gateway',
      rules: '$(MONGODB_BASE_URI)/qbsync-rules',
      qbo: '$(MONGODB_BASE_URI)/qbsync-qbo',
      qbd: '$(MONGODB_BASE_URI)/qbsync-qbd',
      'connectors-shopify': '$(MONGODB_BASE_URI)/qbsync-connectors',
    });
  });

  test('address from a secret', () => {
    const qbo = byName(renders.production, 'Deployment', 'qbsync-qbo');
    const base = envValue(qbo, 'MONGODB_BASE_URI');
    assert.deepEqual(base.valueFrom.secretKeyRef, {
      name: 'qbsync-mongodb',
      key: 'MONGODB_BASE_URI',
    });
    assert.equal(
      envValue(qbo, 'MONGODB_URI').value,
      '$(MONGODB_BASE_URI)/qbsync-qbo?replicaSet=rs0&authSource=admin',
    );
  });

  test('missing address fails', () => {
    assert.throws(() => helmTemplate({ set: ['mongodb.uri='] }), /mongodb.uri and mongodb/);
  });

  test('missing NATS URL fails', () => {
    assert.throws(() => helmTemplate({ set: ['nats.url='] }), /nats.url is missing/);
  });

  test('dependency URLs when enabled', () => {
    const objects = renderObjects({
      set: ['nats.enabled=true', 'nats.url=', 'mongodb.enabled=true', 'mongodb.uri='],
    });
    const configMap = byName(objects, 'ConfigMap', 'qbsync-qbo');
    assert.equal(configMap.data.NATS_URL, 'nats://qbsync-nats:4222');
    const qbo = byName(objects, 'Deployment', 'qbsync-qbo');
    assert.equal(envValue(qbo, 'MONGODB_BASE_URI').value, 'mongodb://qbsync-mongodb:27017');
  });
});

describe('components', () => {
  test('core components are present', () => {
    const names = ofKind(renders.default, 'Deployment').map(componentOf);

    for (const component of CORE_COMPONENTS) {
      assert.ok(names.includes(component), `${component} deployment`);
    }
  });

  test('disabled hpa sets replicas', () => {
    const objects = renderObjects({ set: ['rules.autoscaling.enabled=false', 'rules.replicas=4'] });
    assert.equal(byName(objects, 'Deployment', 'qbsync-rules').spec.replicas, 4);
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler').map(componentOf);
    assert.ok(!hpas.includes('rules'));
  });

  test('dependencies are off by default', () => {
    const chart = yaml.load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
    const values = yaml.load(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
    const conditions = chart.dependencies.map((dependency) => dependency.condition);
    assert.deepEqual(conditions, ['nats.enabled', 'mongodb.enabled']);
    assert.equal(values.nats.enabled, false);
    assert.equal(values.mongodb.enabled, false);
  });
});

describe('k8s overlays', () => {
  for (const overlay of OVERLAYS) {
    test(`${overlay.name} equals the chart render`, async () => {
      const files = await renderK8sFiles();
      const built = buildOverlay(files, overlay.name);
      const expected = renderObjects({ valuesFiles: [overlay.valuesFile] });
      const sortByKey = (objects) =>
        [...objects].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
      assert.deepEqual(sortByKey(built), sortByKey(expected));
    });
  }
});
