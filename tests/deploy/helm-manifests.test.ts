/**
 * Renders deploy/helm/sluice (no helm binary here: tests/deploy/helm-render.ts) for the default values and for
 * other value sets, and validates every rendered manifest offline against the Kubernetes schemas
 * (kubernetes-models) plus a strict unknown-field check. Also keeps the chart, the Dockerfile and the compose
 * file consistent with each other (user id, port, volume paths, health routes).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderChart, type RenderOptions } from './helm-render.js';
import { describe as describeManifest, strictFieldErrors, validateSchema, type Manifest } from './k8s-validate.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHART = path.join(REPO, 'deploy/helm/sluice');

function render(options: RenderOptions = {}): Manifest[] {
  return renderChart(CHART, options).flatMap((file) => file.documents) as Manifest[];
}

function find(docs: Manifest[], kind: string): any {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0];
}

async function expectValid(docs: Manifest[]): Promise<void> {
  for (const doc of docs) await validateSchema(doc);
  expect(strictFieldErrors(docs)).toEqual([]);
}

/** Value sets a user would plausibly use; every one must render to valid manifests. */
const VALUE_SETS: Record<string, RenderOptions> = {
  defaults: {},
  'enterprise license, custom storage and scheduling': {
    releaseName: 'prod',
    namespace: 'ml',
    values: {
      image: { repository: 'registry.example.com/sluice', tag: '0.1.0', pullPolicy: 'Always' },
      imagePullSecrets: [{ name: 'registry' }],
      license: { key: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' },
      config: { SLUICE_LOG_LEVEL: 'debug', SLUICE_MODEL_CONTROL: 'poll', SLUICE_WORKERS: 1 },
      persistence: {
        models: { storageClass: 'fast', accessModes: ['ReadOnlyMany'], size: '20Gi', readOnly: true, seedDemoModels: false },
        data: { storageClass: 'fast', size: '5Gi' },
      },
      service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } },
      extraEnv: [{ name: 'SLUICE_REQUEST_TIMEOUT_MS', value: '120000' }],
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
      podLabels: { team: 'ml' },
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-type', operator: 'In', values: ['cpu'] }] }],
          },
        },
      },
      resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
    },
  },
  'existing claims and an existing license Secret': {
    values: {
      license: { existingSecret: 'sluice-license-from-vault', existingSecretKey: 'jwt' },
      persistence: { models: { existingClaim: 'shared-models' }, data: { existingClaim: 'sluice-data-old' } },
    },
  },
  'license mounted as a file': {
    values: { license: { key: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln', mountAsFile: true } },
  },
  'no persistence (demo models from the image, data on an emptyDir)': {
    values: { persistence: { models: { enabled: false }, data: { enabled: false } } },
  },
};

describe('helm chart deploy/helm/sluice', () => {
  for (const [name, options] of Object.entries(VALUE_SETS)) {
    it(`renders valid Kubernetes manifests: ${name}`, async () => {
      const docs = render(options);
      expect(docs.length).toBeGreaterThanOrEqual(3);
      await expectValid(docs);
    });
  }

  it('renders a Deployment, Service, ConfigMap and the two PVCs by default, and no Secret without a license', () => {
    const docs = render();
    expect(docs.map(describeManifest).sort()).toEqual([
      'ConfigMap/sluice',
      'Deployment/sluice',
      'PersistentVolumeClaim/sluice-data',
      'PersistentVolumeClaim/sluice-models',
      'Service/sluice',
    ]);
  });

  it('probes the V2 health routes and sets resources and a non-root security context', () => {
    const deployment = find(render(), 'Deployment');
    const pod = deployment.spec.template.spec;
    const server = pod.containers.find((c: any) => c.name === 'sluice');
    expect(server.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(server.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(server.startupProbe.httpGet.path).toBe('/v2/health/live');
    expect(server.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(server.resources.limits).toMatchObject({ memory: expect.any(String) });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(server.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(server.env).toEqual(
      expect.arrayContaining([
        { name: 'SLUICE_HOST', value: '0.0.0.0' },
        { name: 'SLUICE_PLUGINS', value: '@sluice/enterprise' },
      ]),
    );
    expect(deployment.spec.strategy.type).toBe('Recreate');
    // Shutdown wait (ConfigMap) must fit in the grace period, or Kubernetes kills in-flight requests.
    const configMap = find(render(), 'ConfigMap');
    expect(Number(configMap.data.SLUICE_SHUTDOWN_TIMEOUT_MS)).toBeLessThan(pod.terminationGracePeriodSeconds * 1000);
  });

  it('puts the license key in a Secret and passes it as SLUICE_LICENSE_KEY', () => {
    const docs = render(VALUE_SETS['enterprise license, custom storage and scheduling']);
    const secret = find(docs, 'Secret');
    expect(secret.metadata.name).toBe('prod-sluice-license');
    expect(secret.stringData).toEqual({ 'license-key': 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' });
    const env = find(docs, 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'SLUICE_LICENSE_KEY',
      valueFrom: { secretKeyRef: { name: 'prod-sluice-license', key: 'license-key' } },
    });
    // The ConfigMap holds strings only (an integer value in values.yaml is quoted).
    expect(find(docs, 'ConfigMap').data.SLUICE_WORKERS).toBe('1');
  });

  it('can mount the license as a watched file instead (SLUICE_LICENSE_FILE)', () => {
    const docs = render(VALUE_SETS['license mounted as a file']);
    const pod = find(docs, 'Deployment').spec.template.spec;
    const env = pod.containers[0].env;
    expect(env).toContainEqual({ name: 'SLUICE_LICENSE_FILE', value: '/etc/sluice/license/license-key' });
    expect(env.map((e: any) => e.name)).not.toContain('SLUICE_LICENSE_KEY');
    expect(pod.volumes).toContainEqual({ name: 'license', secret: { secretName: 'sluice-license' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'license', mountPath: '/etc/sluice/license', readOnly: true });
  });

  it('uses an existing Secret and existing claims without creating them', () => {
    const docs = render(VALUE_SETS['existing claims and an existing license Secret']);
    expect(docs.filter((d) => d.kind === 'Secret' || d.kind === 'PersistentVolumeClaim')).toEqual([]);
    const pod = find(docs, 'Deployment').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({
      name: 'SLUICE_LICENSE_KEY',
      valueFrom: { secretKeyRef: { name: 'sluice-license-from-vault', key: 'jwt' } },
    });
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'models', persistentVolumeClaim: { claimName: 'shared-models' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'sluice-data-old' } },
      ]),
    );
  });

  it("without model persistence serves the image's demo models (no mount over /models, no seeding)", () => {
    const pod = find(render(VALUE_SETS['no persistence (demo models from the image, data on an emptyDir)']), 'Deployment').spec.template
      .spec;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).not.toContain('/models');
    expect(pod.volumes).toContainEqual({ name: 'data', emptyDir: {} });
  });

  it('refuses several replicas, pointing at the README', () => {
    expect(() => render({ values: { replicaCount: 2 } })).toThrow(/replicaCount > 1 is not supported yet.*deploy\/README.md/);
  });
});

describe('the validator is not vacuous', () => {
  const base = () => find(render(), 'Deployment');

  it('rejects a wrong type and a missing required field (schema)', async () => {
    const wrongType = base();
    wrongType.spec.replicas = 'two';
    await expect(validateSchema(wrongType)).rejects.toThrow(/replicas must be integer/);
    const missing = base();
    delete missing.spec.template.spec.containers;
    await expect(validateSchema(missing)).rejects.toThrow(/containers/);
  });

  it('rejects a misspelt field (strict pass)', () => {
    const typo = base();
    typo.spec.template.spec.containers[0].readinessprobe = typo.spec.template.spec.containers[0].readinessProbe;
    const errors = strictFieldErrors([typo]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Deployment\/sluice.*readinessprobe/);
  });

  it('the renderer refuses what it does not support instead of guessing', () => {
    expect(() => renderChartFromString('{{ .Values.a | sha256sum }}')).toThrow(/sha256sum.*not supported/);
    expect(() => renderChartFromString('{{ .Values.missing }}')).toThrow(/missing value/);
    expect(() => renderChartFromString('{{ .Values.missing.deeper }}')).toThrow(/nil pointer/);
    expect(() => renderChartFromString('{{ if .Values.a }}open')).toThrow(/not closed/);
  });
});

/** Renders one template text against a throw-away chart (for the renderer's own checks). */
function renderChartFromString(template: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-'));
  try {
    mkdirSync(path.join(dir, 'templates'));
    writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: t\nversion: 0.0.1\n');
    writeFileSync(path.join(dir, 'values.yaml'), 'a: 1\n');
    writeFileSync(path.join(dir, 'templates', 't.yaml'), template);
    return renderChart(dir)[0]!.text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('chart, Dockerfile and compose file agree', () => {
  const dockerfile = readFileSync(path.join(REPO, 'deploy/docker/Dockerfile'), 'utf8');
  const compose = YAML.parse(readFileSync(path.join(REPO, 'deploy/compose/docker-compose.yml'), 'utf8'));
  const pod = () => find(render(), 'Deployment').spec.template.spec;

  it('user id, port and volume paths', () => {
    const [uid, gid] = /^USER\s+(\d+):(\d+)/m.exec(dockerfile)!.slice(1).map(Number);
    expect(pod().securityContext).toMatchObject({ runAsUser: uid, runAsGroup: gid, fsGroup: gid });
    const port = Number(/^EXPOSE\s+(\d+)/m.exec(dockerfile)![1]);
    expect(pod().containers[0].ports[0].containerPort).toBe(port);
    const volumes = JSON.parse(/^VOLUME\s+(\[.*\])/m.exec(dockerfile)![1]!) as string[];
    expect(pod().containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(expect.arrayContaining(volumes));
    expect(compose.services.sluice.volumes.map((v: string) => v.split(':')[1])).toEqual(volumes);
  });

  it('the compose file builds this Dockerfile, binds loopback by default and checks readiness', () => {
    const service = compose.services.sluice;
    expect(compose.version).toMatch(/^[23]\./); // docker-compose v1 needs a version key
    expect(path.resolve(REPO, 'deploy/compose', service.build.context, service.build.dockerfile)).toBe(
      path.join(REPO, 'deploy/docker/Dockerfile'),
    );
    expect(service.ports).toEqual(['${SLUICE_BIND:-127.0.0.1}:${SLUICE_HOST_PORT:-8080}:8080']);
    expect(service.healthcheck.test.join(' ')).toContain('/v2/health/ready');
    expect(Object.keys(compose.volumes)).toEqual(['models', 'data']);
  });

  it("compose mounts the same named volumes as the docs' `docker run` (moving to compose keeps the keys)", () => {
    // Each compose volume has a fixed name, `${VARIABLE:-default}`; compose's own would be prefixed with the project.
    const composeVolumeOn = Object.fromEntries(
      compose.services.sluice.volumes.map((mount: string) => {
        const [volume, target] = mount.split(':') as [string, string];
        return [target, /^\$\{\w+:-([\w.-]+)\}$/.exec(compose.volumes[volume]?.name ?? '')?.[1]];
      }),
    );
    const dockerRunVolumes = ['README.md', 'deploy/README.md'].flatMap((doc) =>
      [...readFileSync(path.join(REPO, doc), 'utf8').matchAll(/-v ([a-z][\w.-]*):(\/models|\/data)\b/g)].map((m) => ({
        doc,
        volume: m[1],
        target: m[2]!,
      })),
    );
    expect(dockerRunVolumes.length).toBeGreaterThanOrEqual(4);
    for (const { doc, volume, target } of dockerRunVolumes)
      expect({ doc, target, volume: composeVolumeOn[target] }).toEqual({ doc, target, volume });
  });
});
