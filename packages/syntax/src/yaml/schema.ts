/**
 * The shapes of the YAML form as zod schemas: every object strict (an unknown field is an error,
 * never ignored), every list of peers or ports non-empty. The JSON Schema that editors use is
 * generated from these (see `json-schema.ts`).
 *
 * zod sees the plain values, after YAML has resolved them; how a value was written (`"8443"`
 * quoted, `010`, `yes`) is checked on the YAML nodes themselves, in `scalars.ts`.
 */
import { z } from "zod";
import { SCOPE_PATTERN, SERVICE_ID_PATTERN } from "../names.ts";

/** The only `apiVersion` this loader reads. */
export const API_VERSION = "dilmune.com/v1";

/** The document kinds of the YAML form. */
export const DOCUMENT_KINDS = ["NetworkPolicy", "TrustPolicy"] as const;

/** A named port: a letter, then letters, digits, `-` or `_`; never all digits. */
export const PORT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const portNumber = z
  .int()
  .min(1)
  .max(65535)
  .describe("a port number from 1 to 65535, written as plain decimal digits");

const portName = z
  .string()
  .regex(PORT_NAME_PATTERN)
  .describe("a port name declared in the destination service's `spec.ports`");

/** `{port, endPort}`: one port, or an inclusive range when `endPort` is given. */
export const PortRangeSchema = z
  .strictObject({
    port: portNumber,
    endPort: portNumber.optional().describe("last port of the range, inclusive"),
  })
  .describe("a port, or an inclusive range of ports when `endPort` is given");

/** One item of a port list. */
export const PortItemSchema = z.union([portNumber, portName, PortRangeSchema]).meta({
  id: "Port",
  description: "a port number, a port name, or a `{port, endPort}` range",
});

const portList = z.array(PortItemSchema).min(1).describe("ports; never empty");

const serviceId = z
  .string()
  .regex(SERVICE_ID_PATTERN)
  .describe("a service id, as tokens carry it in `sub` and `aud`");

/** A peer of a rule: one service, or `"*"` for any service (optionally with exceptions). */
export const PeerSchema = z
  .strictObject({
    service: z.union([serviceId, z.literal("*")]).describe('a service id, or "*" for any service'),
    except: z
      .array(serviceId)
      .optional()
      .describe('services that `"*"` does not cover (only with `service: "*"`)'),
    ports: portList.optional().describe("ports of this peer (not together with the rule's ports)"),
  })
  .meta({ id: "Peer", description: "a peer service" });

const peerList = z.array(PeerSchema).min(1);

const ruleFields = {
  ports: portList.optional(),
  protocols: z
    .array(z.enum(["tcp", "udp"]))
    .min(1)
    .optional()
    .describe("transport protocols; TCP only when absent"),
  action: z
    .enum(["allow", "deny"])
    .optional()
    .describe("`allow` (the default) or `deny`; a deny overrides every allow"),
  when: z
    .string()
    .min(1)
    .optional()
    .describe("a condition on the verified token's claims, in the policy language's syntax"),
};

/** One ingress rule: who may connect to the service. */
export const IngressRuleSchema = z
  .strictObject({
    from: peerList.describe("the callers this rule admits"),
    ...ruleFields,
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN))
      .min(1)
      .optional()
      .describe("token scopes (actions) callers may exercise through this rule"),
  })
  .meta({ id: "IngressRule", description: "an ingress rule" });

/** One egress rule: whom the service may connect to. */
export const EgressRuleSchema = z
  .strictObject({ to: peerList.describe("the services this rule lets it reach"), ...ruleFields })
  .meta({ id: "EgressRule", description: "an egress rule" });

/** The `spec` of a `NetworkPolicy`. */
export const NetworkPolicySpecSchema = z.strictObject({
  ports: z
    .record(z.string().regex(PORT_NAME_PATTERN), portNumber)
    .optional()
    .describe("named ports of this service, usable in rules that target it"),
  ingress: z
    .array(IngressRuleSchema)
    .nullable()
    .optional()
    .describe("who may connect to this service; absent, null and empty all mean nobody"),
  egress: z
    .array(EgressRuleSchema)
    .nullable()
    .optional()
    .describe("whom this service may connect to; absent, null and empty all mean nobody"),
});

/** A `NetworkPolicy` document: one service and its rules. */
export const NetworkPolicySchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal("NetworkPolicy"),
    metadata: z.strictObject({ name: serviceId.describe("the id of the service") }),
    spec: NetworkPolicySpecSchema.nullable().describe("an empty `spec` means no rules"),
  })
  .meta({ id: "NetworkPolicy", description: "the rules of one service" });

/** Where verification keys come from: a JWKS file (relative to the policy file) or a URL. */
export const KeySourceSchema = z
  .union([
    z.strictObject({
      file: z.string().min(1).describe("a JWKS file, relative to this policy file"),
    }),
    z.strictObject({ url: z.string().min(1).describe("the URL of a JWKS document") }),
  ])
  .meta({ id: "KeySource", description: "where the token verification keys are" });

const seconds = z.int().min(0);

/** The `spec` of a `TrustPolicy`. Every field is optional; the compiler applies defaults. */
export const TrustPolicySpecSchema = z.strictObject({
  issuer: z.string().min(1).optional().describe("the exact `iss` of accepted tokens"),
  algorithms: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("accepted signing algorithms, named as in JOSE"),
  keys: KeySourceSchema.optional(),
  maxTokenAge: seconds.optional().describe("seconds; 300 when absent, and never more"),
  clockSkew: seconds.optional().describe("seconds of clock tolerance; 30 when absent"),
  multipleAudiences: z
    .boolean()
    .optional()
    .describe("accept tokens whose `aud` lists several services; false when absent"),
});

/** A `TrustPolicy` document: how tokens are verified. */
export const TrustPolicySchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal("TrustPolicy"),
    metadata: z.strictObject({ name: z.string().min(1).optional() }).optional(),
    spec: TrustPolicySpecSchema.nullable().describe("an empty `spec` means every default"),
  })
  .meta({ id: "TrustPolicy", description: "token trust settings" });

/** Any document of the YAML form. */
export const PolicyDocumentSchema = z
  .discriminatedUnion("kind", [NetworkPolicySchema, TrustPolicySchema])
  .meta({
    title: "Palisade policy document",
    description:
      "One document of a Palisade policy file in YAML form (`apiVersion: dilmune.com/v1`)",
  });

/** The field names of a strict object schema, for unknown-field checks and suggestions. */
export function fieldsOf(schema: { readonly shape: Record<string, unknown> }): readonly string[] {
  return Object.keys(schema.shape);
}
