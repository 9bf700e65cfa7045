// Every example ships in both forms, and both forms must mean the same: equal syntax trees once
// spans are set aside. Also checked on a policy that uses every construct of the language.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDsl } from "../dsl/parse.ts";
import { stripSpans } from "../strip-spans.ts";
import { parseYaml } from "./load.ts";

const examples = new URL("../../../../examples/", import.meta.url);
const meshPolicies = new URL("mesh/policy/", examples);
const meshYaml = new URL("mesh/yaml/", examples);

function bothForms(dslText: string, yamlText: string) {
  const dsl = parseDsl(dslText, "example.policy");
  const yaml = parseYaml(yamlText, "example.yaml");
  return { dsl, yaml };
}

const pairs: [string, URL, URL][] = [
  ["api-service", new URL("api-service.policy", examples), new URL("api-service.yaml", examples)],
  ...readdirSync(meshPolicies)
    .filter((name) => name.endsWith(".policy"))
    .sort()
    .map((name): [string, URL, URL] => [
      `mesh/${name}`,
      new URL(name, meshPolicies),
      new URL(name.replace(/\.policy$/, ".yaml"), meshYaml),
    ]),
];

describe("the shipped examples", () => {
  it("has a YAML file for every mesh policy file and no other", () => {
    const policies = readdirSync(meshPolicies).map((name) => name.replace(/\.policy$/, ""));
    const yamls = readdirSync(meshYaml).map((name) => name.replace(/\.yaml$/, ""));
    expect(yamls.sort()).toEqual(policies.sort());
    expect(yamls).toHaveLength(5);
  });

  it.each(pairs)("%s reads the same in both forms", (_, policyFile, yamlFile) => {
    const { dsl, yaml } = bothForms(
      readFileSync(policyFile, "utf8"),
      readFileSync(yamlFile, "utf8"),
    );
    expect(dsl.diagnostics).toEqual([]);
    expect(yaml.diagnostics).toEqual([]);
    expect(dsl.policy.services.length + dsl.policy.trust.length).toBeGreaterThan(0);
    expect(stripSpans(yaml.policy)).toEqual(stripSpans(dsl.policy));
  });
});

describe("a policy using every construct", () => {
  const dslText = `
trust {
  issuer "https://idp.example.test"
  algorithms RS256, ES256
  keys url "https://idp.example.test/.well-known/jwks.json"
  max-age 5m
  clock-skew 30s
  multiple-audiences false
}

service orders {
  port https 8443
  port metrics 9090

  ingress {
    allow from billing port https scopes orders:read, orders:write
    allow from gateway, admin-panel ports 8000..8010, 9090 protocol tcp
    allow from any except inventory port 9090 protocols tcp, udp
    deny from legacy
    deny from billing port 9000 when token.tenant in ["a", "b"] and not has token.trial
  }

  egress {
    allow to database (port 5432), cache (ports 6379, 6380)
    allow to dns port 53 protocols udp, tcp
  }
}
`;

  const yamlText = `apiVersion: dilmune.com/v1
kind: TrustPolicy
spec:
  issuer: https://idp.example.test
  algorithms: [RS256, ES256]
  keys: {url: https://idp.example.test/.well-known/jwks.json}
  maxTokenAge: 300
  clockSkew: 30
  multipleAudiences: false
---
apiVersion: dilmune.com/v1
kind: NetworkPolicy
metadata:
  name: orders
spec:
  ports: {https: 8443, metrics: 9090}
  ingress:
    - from: [{service: billing}]
      ports: [https]
      scopes: ["orders:read", "orders:write"]
    - from: [{service: gateway}, {service: admin-panel}]
      ports: [{port: 8000, endPort: 8010}, 9090]
      protocols: [tcp]
    - from: [{service: "*", except: [inventory]}]
      ports: [9090]
      protocols: [tcp, udp]
    - from: [{service: legacy}]
      action: deny
    - from: [{service: billing}]
      ports: [9000]
      action: deny
      when: 'token.tenant in ["a", "b"] and not has token.trial'
  egress:
    - to:
        - service: database
          ports: [5432]
        - service: cache
          ports: [6379, 6380]
    - to: [{service: dns}]
      ports: [53]
      protocols: [udp, tcp]
`;

  it("gives the same tree in both forms", () => {
    const { dsl, yaml } = bothForms(dslText, yamlText);
    expect(dsl.diagnostics).toEqual([]);
    expect(yaml.diagnostics).toEqual([]);
    expect(stripSpans(yaml.policy)).toEqual(stripSpans(dsl.policy));
    expect(yaml.policy.services[0]?.ingress).toHaveLength(5);
  });
});
