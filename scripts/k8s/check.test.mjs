// The checker passes the real deploy/kubernetes and finds every fault of testdata/broken.yaml.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { actuatorPaths, check, parse } from "./check.mjs";

const here = new URL(".", import.meta.url).pathname;
const paths = actuatorPaths(readFileSync(`${here}../../src/main/resources/application.properties`, "utf8"));

test("the application's actuator paths come from application.properties", () => {
  for (const path of ["/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus", "/actuator/bank"]) {
    assert.ok(paths.has(path), path);
  }
  assert.ok(!paths.has("/actuator/env"));
});

test("deploy/kubernetes renders and passes", async () => {
  const rendered = execFileSync("kubectl", ["kustomize", `${here}../../deploy/kubernetes`], { encoding: "utf8" });
  assert.deepEqual(await check(parse(rendered), paths), []);
});

test("every fault of the broken manifest is found", async () => {
  const errors = await check(parse(readFileSync(`${here}testdata/broken.yaml`, "utf8")), paths);
  const expected = [
    /Deployment\/broken-customer: schema: .*containerPort must be integer/,
    /Deployment\/broken-customer: selector does not match its pod labels/,
    /Deployment\/broken-customer: a customer must use strategy Recreate/,
    /Deployment\/broken-customer: runAsNonRoot is not true/,
    /Deployment\/broken-customer: runAsUser must be a numeric non-root UID/,
    /Deployment\/broken-customer: seccompProfile is not RuntimeDefault/,
    /container customer: allowPrivilegeEscalation is not false/,
    /container customer: readOnlyRootFilesystem is not true/,
    /container customer: capabilities do not drop ALL/,
    /container customer: requests and a memory limit are required/,
    /container customer: env BANK_ZOOKEEPER_AUTH_PASSWORD names Secret no-such-secret, which is not rendered/,
    /container customer: readinessProbe uses port web, which the container does not name/,
    /container customer: readinessProbe path \/actuator\/health\/ready is not served by the application/,
    /terminationGracePeriodSeconds 30 is not longer than preStop \(5 s\)/,
    /Service\/broken: targetPort metrics is not a container port name of its pods/,
    /PodMonitor\/broken: selector matches no pod/,
    /PodMonitor\/broken: port http is not a container port name of its pods/,
    /PrometheusRule\/broken: schema: .*rules must be array/,
    /Unknown\/broken: no schema for example.org\/v1 Unknown/,
    /Deployment\/broken-customer: fields: Type 'string' is not assignable to type 'number'/,
    /Service\/broken: fields: .*'"sessionAffinityy"' does not exist in type 'IServiceSpec'/,
    /PodMonitor\/broken: fields: .*'"intervall"' does not exist in type 'IPodMetricsEndpoint'/,
    /PrometheusRule\/broken: fields: Type 'string' is not assignable to type 'IRule\[\]'/,
  ];
  for (const pattern of expected) {
    assert.ok(errors.some((e) => pattern.test(e)), `not found: ${pattern}\nfindings:\n${errors.join("\n")}`);
  }
  assert.equal(errors.length, expected.length, `unexpected findings:\n${errors.join("\n")}`);
});

test("the command exits 1 on the broken manifest", () => {
  const run = spawnSync("node", [`${here}check.mjs`, `${here}testdata/broken.yaml`], { encoding: "utf8" });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /k8s-check: FAILED: \d+ finding\(s\)/);
});
