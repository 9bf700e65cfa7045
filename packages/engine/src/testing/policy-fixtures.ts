import {
  type Condition,
  computeHash,
  IR_FORMAT,
  type Ir,
  type PortRange,
  type Protocol,
  type Rule,
  type Service,
  type SourceSpan,
  type Trust,
} from "@palisade/ir";

/** The issuer of the baseline fixture in the shared cases. */
export const ISSUER = "https://idp.example.test";

/** A span on line `line` of `file`, so tests can check which line a decision names. */
export function spanAt(line: number, file = "policy/test.policy"): SourceSpan {
  return { file, line, column: 3, endLine: line, endColumn: 40 };
}

/** How a test writes a rule: peers, ports and the optional clauses. */
export interface RuleSpec {
  readonly effect?: "allow" | "deny";
  /** Service ids, or `{ except }` for `any except ...`. */
  readonly peers: readonly string[] | { readonly except: readonly string[] };
  /** Ports as numbers or inclusive ranges; all ports when absent. */
  readonly ports?: readonly (number | PortRange)[] | undefined;
  readonly protocols?: readonly Protocol[];
  readonly scopes?: readonly string[] | null;
  readonly when?: Condition | null;
  readonly line?: number;
}

/** How a test writes a service. */
export interface ServiceSpec {
  readonly ingress?: readonly RuleSpec[];
  readonly egress?: readonly RuleSpec[];
}

/** Builds a rule the way the compiler would emit it. */
export function makeRule(id: string, spec: RuleSpec, line: number): Rule {
  const peers = Array.isArray(spec.peers)
    ? { kind: "services" as const, ids: [...(spec.peers as readonly string[])] }
    : { kind: "any" as const, except: [...(spec.peers as { except: readonly string[] }).except] };
  const ports: PortRange[] = (spec.ports ?? [[1, 65535]]).map((port) =>
    typeof port === "number" ? [port, port] : [port[0], port[1]],
  );
  return {
    id,
    effect: spec.effect ?? "allow",
    peers,
    ports,
    protocols: [...(spec.protocols ?? ["tcp"])],
    scopes: spec.scopes === undefined || spec.scopes === null ? null : [...spec.scopes],
    when: spec.when ?? null,
    span: spanAt(spec.line ?? line),
  };
}

/** Trust settings like the baseline's: RS256 unless told otherwise, keys embedded. */
export function makeTrust(keys: readonly Record<string, unknown>[], algorithms = ["RS256"]): Trust {
  return {
    issuer: ISSUER,
    algorithms: [...algorithms],
    keys: { kind: "jwks", keys: keys.map((key) => ({ ...(key as { kty: string }) })) },
    maxTokenAge: 300,
    clockSkew: 30,
    multipleAudiences: false,
    span: spanAt(1, "policy/trust.policy"),
  };
}

/**
 * Builds a valid IR from service specs (rule ids `<service>/<side>/<n>`), sorted by id and
 * hashed with `computeHash`, so `loadIr` accepts it.
 */
export function makeIr(services: Readonly<Record<string, ServiceSpec>>, trust: Trust | null): Ir {
  let line = 1;
  const built: Service[] = Object.keys(services)
    .sort()
    .map((id) => {
      const spec = services[id] ?? {};
      const side = (name: "ingress" | "egress") =>
        (spec[name] ?? []).map((rule, at) => makeRule(`${id}/${name}/${at}`, rule, ++line));
      return { id, ingress: side("ingress"), egress: side("egress"), span: spanAt(line) };
    });
  const ir = { format: IR_FORMAT, trust, services: built };
  return { ...ir, hash: computeHash(ir as Omit<Ir, "hash">) } as Ir;
}

/** Re-hashes an IR after a test edited it, so only the intended fault remains. */
export function rehash(ir: Omit<Ir, "hash"> & { hash?: string }): Ir {
  return { ...ir, hash: computeHash(ir as Omit<Ir, "hash">) } as Ir;
}

/**
 * The baseline services of the shared cases: billing may reach orders on 8443 (scope
 * `orders:read`) and inventory on 9000 (scope `inventory:read`); dns and cache exist with no
 * rules.
 */
export function baselineServices(): Record<string, ServiceSpec> {
  return {
    billing: {
      egress: [
        { peers: ["orders"], ports: [8443] },
        { peers: ["inventory"], ports: [9000] },
      ],
    },
    orders: { ingress: [{ peers: ["billing"], ports: [8443], scopes: ["orders:read"] }] },
    inventory: { ingress: [{ peers: ["billing"], ports: [9000], scopes: ["inventory:read"] }] },
    dns: {},
    cache: {},
  };
}
