/**
 * Generators of random policy sets (as syntax trees) and of connection queries against them.
 *
 * Generated policies are valid by construction: every allow rule states ports, ports sit on the
 * rule or on its peers but never both, named ports are used only where they resolve (an ingress
 * rule's own service, or an egress peer that declares the name), scopes appear only on ingress
 * rules, and an `any` peer comes last so that its `except` list cannot swallow a later peer.
 * Peers may name services that no file defines, which the compiler accepts with a warning.
 */
import type {
  Expr,
  Literal,
  Located,
  NamedPort,
  Peer,
  PolicyFile,
  PortSpec,
  Protocol,
  Rule,
  ServiceDecl,
  Span,
  TrustBlock,
} from "@palisade/syntax";
import fc from "fast-check";
import { printCondition, printDsl } from "./print-dsl.ts";

/**
 * Gives `value` a text for fast-check to show in counterexamples, as a member that spreading
 * and deep equality ignore (a non-enumerable symbol).
 */
export function withDisplay<T extends object>(value: T, show: (value: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => show(value), enumerable: false });
  return value;
}

/**
 * The span every generated node carries; equality of meaning ignores spans. Counterexamples show
 * it as `·`, which keeps them readable.
 */
export const SPAN: Span = withDisplay(
  { file: "generated", start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 },
  () => "·",
);

/** The ids generated policies draw their services and peers from. */
export const SERVICE_POOL = [
  "orders",
  "billing",
  "gateway",
  "inventory",
  "db-main",
  "cache_2",
  "edge.v2",
] as const;

/** A service id that no generated policy defines or names. */
export const UNDEFINED_SERVICE = "ghost";

/** Names of named ports. */
export const PORT_NAME_POOL = ["http", "https", "metrics", "grpc", "admin-api"] as const;

/** Scopes rules may list and tokens may carry. */
export const SCOPE_POOL = ["orders:read", "orders:write", "admin", "reports/export"] as const;

/** Actions requests may ask for: every scope and one that no rule or token ever lists. */
export const ACTION_POOL = [...SCOPE_POOL, "delete"] as const;

/** The issuer of the generated trust settings. */
export const ISSUER = "https://idp.example.test";

/** Where generated trust settings read their keys, relative to the policy file. */
export const KEYS_FILE = "keys/jwks.json";

/**
 * Token claims conditions may test. The last two name members that plain JavaScript objects and
 * strings seem to have (`constructor`, `length`) but that no token carries.
 */
export const CLAIM_PATHS: readonly (readonly string[])[] = [
  ["tenant"],
  ["trial"],
  ["level"],
  ["org", "id"],
  ["org", "tier"],
  ["tenant", "length"],
  ["org", "constructor"],
];

/** One policy set, before it is split into files. */
export interface GeneratedPolicy {
  readonly trust: TrustBlock | null;
  readonly services: readonly ServiceDecl[];
}

/** The two forms a policy file can be written in. */
export type SourceForm = "dsl" | "yaml";

/** How a policy set is split into files: which file holds each service, and each file's form. */
export interface FileLayout {
  /** For each service (by position), the index of its file. */
  readonly serviceFile: readonly number[];
  /** The index of the file holding the trust settings. */
  readonly trustFile: number;
  /** The form of each file; its length is the number of files. */
  readonly forms: readonly SourceForm[];
}

function located<T>(value: T): Located<T> {
  return { value, span: SPAN };
}

const portNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 443, 8443, 65535) },
);

const portRange: fc.Arbitrary<PortSpec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .integer({ min: 1, max: 40 })
      .chain((from) =>
        fc
          .integer({ min: from + 1, max: from + 12 })
          .map((to): PortSpec => ({ kind: "PortRange", from, to, span: SPAN })),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constant<PortSpec>({ kind: "PortRange", from: 1, to: 65535, span: SPAN }),
  },
);

function portSpec(names: readonly string[]): fc.Arbitrary<PortSpec> {
  const single = portNumber.map((port): PortSpec => ({ kind: "Port", port, span: SPAN }));
  if (names.length === 0) return fc.oneof({ weight: 3, arbitrary: single }, portRange);
  const named = fc
    .constantFrom(...names)
    .map((name): PortSpec => ({ kind: "PortName", name, span: SPAN }));
  return fc.oneof({ weight: 3, arbitrary: single }, { weight: 2, arbitrary: portRange }, named);
}

function portList(names: readonly string[]): fc.Arbitrary<readonly PortSpec[]> {
  return fc.array(portSpec(names), { minLength: 1, maxLength: 3 });
}

const protocols: fc.Arbitrary<readonly Located<Protocol>[] | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  fc
    .constantFrom<Protocol[]>(["tcp"], ["udp"], ["tcp", "udp"], ["udp", "tcp"])
    .map((list) => list.map(located)),
);

const scopes: fc.Arbitrary<readonly Located<string>[] | null> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  fc
    .uniqueArray(fc.constantFrom(...SCOPE_POOL), { minLength: 1, maxLength: 3 })
    .map((list) => list.map(located)),
);

const stringLiteral = fc.constantFrom("a", "b", "acme");
const integerLiteral = fc.integer({ min: 0, max: 3 });

const literal: fc.Arbitrary<Literal> = fc.oneof(stringLiteral, integerLiteral, fc.boolean());

/** A list of literals of one type, as `in` lists are usually written. */
const literalList: fc.Arbitrary<readonly Literal[]> = fc.oneof(
  fc.uniqueArray(stringLiteral, { minLength: 1, maxLength: 3 }),
  fc.uniqueArray(integerLiteral, { minLength: 1, maxLength: 3 }),
  fc.uniqueArray(fc.boolean(), { minLength: 1, maxLength: 2 }),
);

const claimPath = fc.constantFrom(...CLAIM_PATHS);

const leafCondition: fc.Arbitrary<Expr> = fc.oneof(
  fc
    .record({ claim: claimPath, op: fc.constantFrom("==" as const, "!=" as const), value: literal })
    .map(({ claim, op, value }): Expr => ({ kind: "Compare", claim, op, value, span: SPAN })),
  fc
    .record({ claim: claimPath, values: literalList })
    .map(({ claim, values }): Expr => ({ kind: "In", claim, values, span: SPAN })),
  claimPath.map((claim): Expr => ({ kind: "Has", claim, span: SPAN })),
);

/**
 * A condition over token claims, at most `depth` operators deep. Counterexamples show it as
 * DSL text.
 */
export function condition(depth = 3): fc.Arbitrary<Expr> {
  return conditionTree(depth).map((expr) =>
    withDisplay({ ...expr }, (shown) => printCondition(shown)),
  );
}

function conditionTree(depth: number): fc.Arbitrary<Expr> {
  if (depth <= 0) return leafCondition;
  const inner = conditionTree(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leafCondition },
    fc
      .tuple(fc.constantFrom("And" as const, "Or" as const), inner, inner)
      .map(([kind, left, right]): Expr => ({ kind, left, right, span: SPAN })),
    inner.map((operand): Expr => ({ kind: "Not", operand, span: SPAN })),
  );
}

const when: fc.Arbitrary<Expr | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  condition(),
);

/** Named ports declared by each service, by id. */
export type PortCatalog = ReadonlyMap<string, readonly NamedPort[]>;

/** The named ports each service of `policy` declares. */
export function catalogOf(policy: GeneratedPolicy): PortCatalog {
  return new Map(policy.services.map((declared) => [declared.id, declared.ports]));
}

function namesOf(catalog: PortCatalog, id: string): readonly string[] {
  return (catalog.get(id) ?? []).map((port) => port.name);
}

interface PeerChoice {
  readonly ids: readonly string[];
  readonly any: { readonly except: readonly string[] } | null;
}

const peerChoice: fc.Arbitrary<PeerChoice> = fc
  .record({
    ids: fc.uniqueArray(fc.constantFrom(...SERVICE_POOL), { maxLength: 3 }),
    any: fc.option(
      fc.record({
        except: fc.uniqueArray(fc.constantFrom(...SERVICE_POOL), { maxLength: 2 }),
      }),
      { freq: 3 },
    ),
  })
  .filter((choice) => choice.ids.length > 0 || choice.any !== null);

type Placement = "rule" | "peer" | "none";

/**
 * One rule of `owner`'s `direction` side. For ingress, named ports resolve on the owner; for
 * egress, on the peer they are written on.
 */
export function rule(
  direction: "ingress" | "egress",
  owner: string,
  catalog: PortCatalog,
  only?: "allow" | "deny",
): fc.Arbitrary<Rule> {
  const effect =
    only === undefined
      ? fc.constantFrom("allow" as const, "allow" as const, "deny" as const)
      : fc.constant(only);
  return fc.tuple(effect, peerChoice).chain(([effect, choice]) => {
    const placements: Placement[] =
      effect === "allow" ? ["rule", "peer"] : ["rule", "peer", "none"];
    return fc.constantFrom(...placements).chain((placement) => {
      const ruleNames = direction === "ingress" ? namesOf(catalog, owner) : [];
      const peerNames = (id: string | null): readonly string[] => {
        if (direction === "ingress") return namesOf(catalog, owner);
        return id === null ? [] : namesOf(catalog, id);
      };
      const peerPorts = (id: string | null): fc.Arbitrary<readonly PortSpec[] | null> => {
        if (placement !== "peer") return fc.constant(null);
        const list = portList(peerNames(id));
        return effect === "allow" ? list : fc.option(list, { freq: 3 });
      };
      const servicePeers = choice.ids.map((id) =>
        peerPorts(id).map((ports): Peer => ({ kind: "ServicePeer", id, ports, span: SPAN })),
      );
      const anyPeer =
        choice.any === null
          ? []
          : [
              peerPorts(null).map(
                (ports): Peer => ({
                  kind: "AnyPeer",
                  except: (choice.any?.except ?? []).map(located),
                  ports,
                  span: SPAN,
                }),
              ),
            ];
      return fc
        .record({
          peers: fc.tuple(...servicePeers, ...anyPeer),
          ports: placement === "rule" ? portList(ruleNames) : fc.constant(null),
          protocols,
          // Scopes belong to ingress allows: a deny with scopes is a compile error.
          scopes: direction === "ingress" && effect === "allow" ? scopes : fc.constant(null),
          when,
        })
        .map(
          (parts): Rule => ({
            kind: "Rule",
            direction,
            effect,
            peers: parts.peers,
            ports: parts.ports,
            protocols: parts.protocols,
            scopes: parts.scopes,
            when: parts.when,
            span: SPAN,
          }),
        );
    });
  });
}

const namedPorts: fc.Arbitrary<readonly NamedPort[]> = fc
  .uniqueArray(fc.constantFrom(...PORT_NAME_POOL), { maxLength: 2 })
  .chain((names) =>
    fc.tuple(...names.map(() => portNumber)).map((numbers) =>
      names.map(
        (name, index): NamedPort => ({
          kind: "NamedPort",
          name,
          port: numbers[index] ?? 1,
          span: SPAN,
        }),
      ),
    ),
  );

function service(id: string, catalog: PortCatalog): fc.Arbitrary<ServiceDecl> {
  return fc
    .record({
      ingress: fc.array(rule("ingress", id, catalog), { maxLength: 4 }),
      egress: fc.array(rule("egress", id, catalog), { maxLength: 3 }),
    })
    .map(
      ({ ingress, egress }): ServiceDecl => ({
        kind: "Service",
        id,
        idSpan: SPAN,
        ports: catalog.get(id) ?? [],
        ingress,
        egress,
        span: SPAN,
      }),
    );
}

/** The trust settings a test chooses; everything else is fixed. */
export interface TrustChoice {
  readonly algorithms: readonly string[];
  readonly maxTokenAge: number;
  readonly clockSkew: number;
  readonly multipleAudiences: boolean;
}

/** A trust block with the test issuer and keys file and the chosen settings. */
export function trustBlock(choice: TrustChoice): TrustBlock {
  return {
    kind: "Trust",
    issuer: located(ISSUER),
    algorithms: choice.algorithms.map(located),
    keys: { kind: "KeyFile", path: KEYS_FILE, span: SPAN },
    maxTokenAge: located(choice.maxTokenAge),
    clockSkew: located(choice.clockSkew),
    multipleAudiences: located(choice.multipleAudiences),
    span: SPAN,
  };
}

/** Trust settings the compiler accepts and the token tests can satisfy. */
export const trustChoice: fc.Arbitrary<TrustChoice> = fc.record({
  algorithms: fc.constantFrom(["ES256"], ["ES256", "RS256"], ["RS256", "ES256"]),
  maxTokenAge: fc.constantFrom(120, 240, 300),
  clockSkew: fc.constantFrom(0, 10, 30),
  multipleAudiences: fc.boolean(),
});

/** A trust block with random settings. */
export const trust: fc.Arbitrary<TrustBlock> = trustChoice.map(trustBlock);

/** Options for `policy`. */
export interface PolicyOptions {
  /** Fewest services (default 1). */
  readonly minServices?: number;
  /** Whether the set carries trust settings: always, never, or either (default). */
  readonly trust?: "always" | "never" | "maybe";
}

/** A random policy set of up to five services, with or without trust settings. */
export function policy(options: PolicyOptions = {}): fc.Arbitrary<GeneratedPolicy> {
  const trustChoice = options.trust ?? "maybe";
  const trustArbitrary =
    trustChoice === "always"
      ? trust
      : trustChoice === "never"
        ? fc.constant(null)
        : fc.option(trust, { freq: 2 });
  return fc
    .uniqueArray(fc.constantFrom(...SERVICE_POOL), {
      minLength: options.minServices ?? 1,
      maxLength: 5,
    })
    .chain((ids) =>
      fc.tuple(...ids.map(() => namedPorts)).chain((portsById) => {
        const catalog: PortCatalog = new Map(ids.map((id, index) => [id, portsById[index] ?? []]));
        return fc.record({
          trust: trustArbitrary,
          services: fc.tuple(...ids.map((id) => service(id, catalog))),
        });
      }),
    )
    .map(({ trust: block, services }) => {
      // Conditions and scopes need tokens, and tokens need trust settings.
      const tokenFree = (rules: readonly Rule[]) =>
        rules.map((each) => ({ ...each, when: null, scopes: null }));
      const generated: GeneratedPolicy =
        block === null
          ? {
              trust: null,
              services: services.map((declared) => ({
                ...declared,
                ingress: tokenFree(declared.ingress),
                egress: tokenFree(declared.egress),
              })),
            }
          : { trust: block, services };
      return withDisplay(generated, showPolicy);
    });
}

/** The DSL text of a generated policy, as counterexamples show it. */
function showPolicy(generated: GeneratedPolicy): string {
  const file: PolicyFile = {
    kind: "PolicyFile",
    file: "generated.policy",
    trust: generated.trust ? [generated.trust] : [],
    services: generated.services,
    span: SPAN,
  };
  return JSON.stringify(printDsl(file));
}

/** A way to split `serviceCount` services into one to three files of either form. */
export function layout(serviceCount: number): fc.Arbitrary<FileLayout> {
  return fc.integer({ min: 1, max: 3 }).chain((files) =>
    fc.record({
      serviceFile: fc.array(fc.integer({ min: 0, max: files - 1 }), {
        minLength: serviceCount,
        maxLength: serviceCount,
      }),
      trustFile: fc.integer({ min: 0, max: files - 1 }),
      forms: fc.array(fc.constantFrom<SourceForm>("dsl", "yaml"), {
        minLength: files,
        maxLength: files,
      }),
    }),
  );
}

/** The files of `policy` as `layout` splits it, named `policy-<n>.policy` or `.yaml`. */
export function splitIntoFiles(
  policy: GeneratedPolicy,
  fileLayout: FileLayout,
): { readonly form: SourceForm; readonly policy: PolicyFile }[] {
  return fileLayout.forms.map((form, index) => {
    const file = `policy-${index}.${form === "dsl" ? "policy" : "yaml"}`;
    return {
      form,
      policy: {
        kind: "PolicyFile",
        file,
        trust: policy.trust !== null && fileLayout.trustFile === index ? [policy.trust] : [],
        services: policy.services.filter((_, at) => (fileLayout.serviceFile[at] ?? 0) === index),
        span: SPAN,
      },
    };
  });
}

/** A layer-4 question: may `source` reach `destination` on `port` over `protocol`? */
export interface ConnectionQuery {
  readonly source: string;
  readonly destination: string;
  readonly port: number;
  readonly protocol?: Protocol;
}

/** Every port a policy mentions, with its neighbours, so queries hit rule edges often. */
export function interestingPorts(policy: GeneratedPolicy): number[] {
  const found = new Set<number>([1, 65535]);
  const addSpecs = (specs: readonly PortSpec[] | null) => {
    for (const spec of specs ?? []) {
      if (spec.kind === "Port") found.add(spec.port);
      if (spec.kind === "PortRange") {
        found.add(spec.from);
        found.add(spec.to);
      }
    }
  };
  for (const declared of policy.services) {
    for (const named of declared.ports) found.add(named.port);
    for (const each of [...declared.ingress, ...declared.egress]) {
      addSpecs(each.ports);
      for (const peer of each.peers) addSpecs(peer.ports);
    }
  }
  const withNeighbours = new Set<number>();
  for (const port of found) {
    for (const near of [port - 1, port, port + 1]) {
      if (near >= 1 && near <= 65535) withNeighbours.add(near);
    }
  }
  return [...withNeighbours].sort((a, b) => a - b);
}

/**
 * Service ids worth asking about: the pool (defined or not), one nobody names, and names that a
 * lookup in a plain JavaScript object would wrongly find.
 */
export const QUERY_SERVICES: readonly string[] = [
  ...SERVICE_POOL,
  UNDEFINED_SERVICE,
  "constructor",
  "__proto__",
];

/** A connection query aimed at the services and ports of `policy`. */
export function connectionQuery(policy: GeneratedPolicy): fc.Arbitrary<ConnectionQuery> {
  const ports = interestingPorts(policy);
  return fc
    .record({
      source: fc.constantFrom(...QUERY_SERVICES),
      destination: fc.constantFrom(...QUERY_SERVICES),
      port: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ports) }, portNumber),
      protocol: fc.option(fc.constantFrom<Protocol>("tcp", "udp"), { freq: 3, nil: undefined }),
    })
    .map(
      ({ protocol, ...rest }): ConnectionQuery =>
        protocol === undefined ? rest : { ...rest, protocol },
    );
}

/** A policy together with several queries against it, so one compilation serves many checks. */
export function policyWithQueries(
  options: PolicyOptions = {},
  count = 30,
): fc.Arbitrary<{ policy: GeneratedPolicy; queries: ConnectionQuery[] }> {
  return policy(options).chain((generated) =>
    fc.record({
      policy: fc.constant(generated),
      queries: fc.array(connectionQuery(generated), { minLength: 1, maxLength: count }),
    }),
  );
}
