// Validates rendered Kubernetes manifests offline (no cluster, no server-side dry run):
//   1. every object against its compiled JSON schema: kubernetes-models for the built-in kinds,
//      @kubernetes-models/prometheus-operator for PodMonitor, ServiceMonitor and PrometheusRule;
//      a kind with no schema is an error. Those schemas let unknown fields pass, so every object
//      is also type-checked by TypeScript against the same packages' types, whose excess property
//      check names a misspelt field at any depth;
//   2. the cross-references a schema cannot see: selectors match the labels of some pod, named
//      ports exist, probe and scrape paths exist in the application (from application.properties),
//      referenced Secrets, ConfigMaps, volumes and the StatefulSet's headless Service exist;
//   3. the pod rules this deployment promises: the "restricted" security context, requests and
//      limits, Recreate for the customers, a grace period longer than preStop plus Spring's shutdown.
// Usage: node check.mjs RENDERED.yaml [application.properties]   (exit 1 on any finding)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = fileURLToPath(new URL(".", import.meta.url));

const SPRING_SHUTDOWN_SECONDS = 30; // spring.lifecycle.timeout-per-shutdown-phase, Boot's default

/** The HTTP paths the application serves, as application.properties configures the actuator. */
export function actuatorPaths(propertiesText) {
  const props = {};
  for (const line of propertiesText.split("\n")) {
    const match = line.match(/^\s*([^#!\s][^=]*?)\s*=\s*(.*?)\s*$/);
    if (match) props[match[1]] = match[2];
  }
  const base = props["management.endpoints.web.base-path"] ?? "/actuator";
  const exposed = (props["management.endpoints.web.exposure.include"] ?? "health").split(",").map((s) => s.trim());
  const paths = new Set(exposed.map((id) => `${base}/${id}`));
  if (exposed.includes("health")) {
    if (props["management.endpoint.health.probes.enabled"] === "true") {
      paths.add(`${base}/health/liveness`).add(`${base}/health/readiness`);
    }
    for (const key of Object.keys(props)) {
      const group = key.match(/^management\.endpoint\.health\.group\.([^.]+)\./);
      if (group) paths.add(`${base}/health/${group[1]}`);
    }
  }
  return paths;
}

/** The package module that holds the model of an apiVersion's kinds. */
function modelModule(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  return group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/${group}/${version}`
    : `kubernetes-models/${group ? `${group}/` : ""}${version}`;
}

async function model(apiVersion, kind) {
  try {
    return (await import(modelModule(apiVersion)))[kind];
  } catch {
    return undefined;
  }
}

/** Type-checks each object, one a line, as a literal of its model's interface: unknown fields. */
function unknownFields(objects) {
  const dir = mkdtempSync(`${here}.tsc-`);
  try {
    const lines = objects.map((o, i) =>
      `import type { I${o.kind} as T${i} } from "${modelModule(o.apiVersion)}/${o.kind}";\n` +
      `export const o${i}: T${i} = ${JSON.stringify(o)};`);
    writeFileSync(`${dir}/objects.ts`, lines.join("\n") + "\n");
    writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true, target: "es2022" },
      files: ["objects.ts"],
    }));
    const run = spawnSync(`${here}node_modules/.bin/tsc`, ["-p", dir, "--pretty", "false"], { encoding: "utf8" });
    if (run.error) return [`TypeScript did not run: ${run.error.message}`];
    return run.stdout.split("\n").filter((l) => l.includes("error TS")).map((line) => {
      const at = line.match(/objects\.ts\((\d+),\d+\)/);
      const object = at ? objects[Math.floor((Number(at[1]) - 1) / 2)] : undefined;
      return `${object ? name(object) : "?"}: fields: ${line.replace(/^.*error TS\d+: /, "")}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const name = (o) => `${o.kind}/${o.metadata?.name}`;
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);

/** The pod templates of the workloads, with the object that holds each. */
function podTemplates(objects) {
  return objects
    .filter((o) => o.spec?.template?.spec?.containers)
    .map((o) => ({ owner: o, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec }));
}

function checkPod(errors, pod, objects, paths, isApplication) {
  const where = name(pod.owner);
  const secrets = new Map(objects.filter((o) => o.kind === "Secret").map((o) => [o.metadata.name, o]));
  const configMaps = new Set(objects.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name));
  const volumes = new Set([
    ...(pod.spec.volumes ?? []).map((v) => v.name),
    ...(pod.owner.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name),
  ]);
  const podSecurity = pod.spec.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true) errors.push(`${where}: runAsNonRoot is not true`);
  if (!Number.isInteger(podSecurity.runAsUser) || podSecurity.runAsUser === 0) {
    errors.push(`${where}: runAsUser must be a numeric non-root UID`);
  }
  if (podSecurity.seccompProfile?.type !== "RuntimeDefault") errors.push(`${where}: seccompProfile is not RuntimeDefault`);
  for (const term of pod.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (!matches(term.podAffinityTerm.labelSelector?.matchLabels, pod.labels)) {
      errors.push(`${where}: the anti-affinity selector does not match the pod's own labels`);
    }
  }
  for (const volume of pod.spec.volumes ?? []) {
    if (volume.configMap && !configMaps.has(volume.configMap.name)) {
      errors.push(`${where}: volume ${volume.name} names ConfigMap ${volume.configMap.name}, which is not rendered`);
    }
  }
  for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const at = `${where} container ${container.name}`;
    const portNames = new Set((container.ports ?? []).map((p) => p.name));
    const security = container.securityContext ?? {};
    if (security.allowPrivilegeEscalation !== false) errors.push(`${at}: allowPrivilegeEscalation is not false`);
    if (security.readOnlyRootFilesystem !== true) errors.push(`${at}: readOnlyRootFilesystem is not true`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) errors.push(`${at}: capabilities do not drop ALL`);
    if (!container.resources?.requests || !container.resources?.limits?.memory) {
      errors.push(`${at}: requests and a memory limit are required`);
    }
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) errors.push(`${at}: volumeMount ${mount.name} has no volume`);
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (!ref) continue;
      const secret = secrets.get(ref.name);
      if (!secret) errors.push(`${at}: env ${env.name} names Secret ${ref.name}, which is not rendered`);
      else if (!(ref.key in { ...secret.data, ...secret.stringData })) {
        errors.push(`${at}: env ${env.name} names key ${ref.key}, which Secret ${ref.name} lacks`);
      }
    }
    for (const kind of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const probe = container[kind];
      if (!probe) continue;
      const handler = probe.httpGet ?? probe.tcpSocket ?? probe.grpc;
      if (handler && typeof handler.port === "string" && !portNames.has(handler.port)) {
        errors.push(`${at}: ${kind} uses port ${handler.port}, which the container does not name`);
      }
      if (isApplication && probe.httpGet && !paths.has(probe.httpGet.path)) {
        errors.push(`${at}: ${kind} path ${probe.httpGet.path} is not served by the application`);
      }
    }
    if (isApplication) {
      const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
      const sleep = preStop[0] === "sleep" ? Number(preStop[1]) : 0;
      const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
      if (!(grace > sleep + SPRING_SHUTDOWN_SECONDS)) {
        errors.push(`${where}: terminationGracePeriodSeconds ${grace} is not longer than preStop (${sleep} s) plus Spring's shutdown (${SPRING_SHUTDOWN_SECONDS} s)`);
      }
    }
  }
}

/** Every finding, as a line of text; none means the manifests pass. */
export async function check(objects, paths) {
  const errors = [];
  for (const o of objects) {
    const Model = await model(o.apiVersion, o.kind);
    if (!Model) {
      errors.push(`${name(o)}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (error) {
      errors.push(`${name(o)}: schema: ${error.message}`);
    }
  }
  errors.push(...unknownFields(objects.filter((o) => !errors.some((e) => e.startsWith(`${name(o)}: no schema`)))));
  const pods = podTemplates(objects);
  const podsMatching = (selector) => pods.filter((p) => matches(selector, p.labels));
  const containerPortNames = (matched) =>
    new Set(matched.flatMap((p) => p.spec.containers.flatMap((c) => (c.ports ?? []).map((port) => port.name))));
  const isApplication = (pod) => pod.spec.containers.some((c) => /(^|\/)zk-bank(:|$)/.test(c.image ?? ""));

  for (const pod of pods) {
    const selector = pod.owner.spec.selector?.matchLabels;
    if (selector && !matches(selector, pod.labels)) errors.push(`${name(pod.owner)}: selector does not match its pod labels`);
    if (pod.owner.kind === "Deployment" && isApplication(pod) && pod.owner.spec.strategy?.type !== "Recreate") {
      errors.push(`${name(pod.owner)}: a customer must use strategy Recreate (one process per identity)`);
    }
    if (pod.owner.kind === "StatefulSet") {
      const service = objects.find((o) => o.kind === "Service" && o.metadata.name === pod.owner.spec.serviceName);
      if (!service || service.spec.clusterIP !== "None") {
        errors.push(`${name(pod.owner)}: serviceName ${pod.owner.spec.serviceName} is not a rendered headless Service`);
      }
    }
    checkPod(errors, pod, objects, paths, isApplication(pod));
  }
  for (const o of objects) {
    if (o.kind === "Service") {
      const matched = podsMatching(o.spec.selector);
      if (matched.length === 0) errors.push(`${name(o)}: selector matches no pod`);
      const ports = containerPortNames(matched);
      for (const port of o.spec.ports ?? []) {
        if (typeof port.targetPort === "string" && matched.length && !ports.has(port.targetPort)) {
          errors.push(`${name(o)}: targetPort ${port.targetPort} is not a container port name of its pods`);
        }
      }
    }
    if (o.kind === "PodDisruptionBudget" && podsMatching(o.spec.selector?.matchLabels).length === 0) {
      errors.push(`${name(o)}: selector matches no pod`);
    }
    if (o.kind === "NetworkPolicy") {
      const matched = podsMatching(o.spec.podSelector?.matchLabels);
      if (matched.length === 0) errors.push(`${name(o)}: podSelector matches no pod`);
      const ports = containerPortNames(matched);
      for (const rule of o.spec.ingress ?? []) {
        for (const peer of rule.from ?? []) {
          if (peer.podSelector && !peer.namespaceSelector && podsMatching(peer.podSelector.matchLabels).length === 0) {
            errors.push(`${name(o)}: a from.podSelector matches no pod (${JSON.stringify(peer.podSelector.matchLabels)})`);
          }
        }
        for (const port of rule.ports ?? []) {
          if (typeof port.port === "string" && !ports.has(port.port)) {
            errors.push(`${name(o)}: port ${port.port} is not a container port name of its pods`);
          }
        }
      }
    }
    if (o.kind === "PodMonitor") {
      const matched = podsMatching(o.spec.selector?.matchLabels);
      if (matched.length === 0) errors.push(`${name(o)}: selector matches no pod`);
      const ports = containerPortNames(matched);
      for (const endpoint of o.spec.podMetricsEndpoints ?? []) {
        if (!ports.has(endpoint.port)) errors.push(`${name(o)}: port ${endpoint.port} is not a container port name of its pods`);
        if (matched.some(isApplication) && !paths.has(endpoint.path)) {
          errors.push(`${name(o)}: path ${endpoint.path} is not served by the application`);
        }
      }
    }
    if (o.kind === "ServiceMonitor") {
      const services = objects.filter((s) => s.kind === "Service" && matches(o.spec.selector?.matchLabels, s.metadata.labels));
      if (services.length === 0) errors.push(`${name(o)}: selector matches no Service`);
      const ports = new Set(services.flatMap((s) => s.spec.ports.map((p) => p.name)));
      for (const endpoint of o.spec.endpoints ?? []) {
        if (endpoint.port && !ports.has(endpoint.port)) errors.push(`${name(o)}: port ${endpoint.port} is not a port name of its Services`);
      }
    }
  }
  return errors;
}

export function parse(text) {
  return parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rendered, properties = new URL("../../src/main/resources/application.properties", import.meta.url)] =
    process.argv.slice(2);
  const objects = parse(readFileSync(rendered, "utf8"));
  const errors = await check(objects, actuatorPaths(readFileSync(properties, "utf8")));
  for (const error of errors) console.error(`k8s-check: ${error}`);
  if (errors.length) {
    console.error(`k8s-check: FAILED: ${errors.length} finding(s) in ${objects.length} objects`);
    process.exit(1);
  }
  console.log(`k8s-check: ${objects.length} objects valid (${[...new Set(objects.map((o) => o.kind))].sort().join(", ")})`);
}
