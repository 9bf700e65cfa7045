import { z } from "zod";

/**
 * The compiled policy: the contract between the compiler (which writes it) and the engine (which
 * reads it). Everything here is plain JSON. A reader refuses any `format` it does not know.
 */
export const IR_FORMAT = "palisade-ir/1";

/** Where a rule was written. Lines and columns are 1-based. */
export const SourceSpanSchema = z.strictObject({
  file: z.string(),
  line: z.int().min(1),
  column: z.int().min(1),
  endLine: z.int().min(1),
  endColumn: z.int().min(1),
});
export type SourceSpan = z.infer<typeof SourceSpanSchema>;

const ServiceId = z.string().min(1).max(253);
const PortNumber = z.int().min(1).max(65535);

/** An inclusive port range; a single port is `[p, p]`. */
export const PortRangeSchema = z
  .tuple([PortNumber, PortNumber])
  .refine(([from, to]) => from <= to, { message: "port range ends before it starts" });
export type PortRange = z.infer<typeof PortRangeSchema>;

export const ProtocolSchema = z.enum(["tcp", "udp"]);
export type Protocol = z.infer<typeof ProtocolSchema>;

const LiteralSchema = z.union([z.string(), z.number(), z.boolean()]);
const ClaimPath = z.array(z.string().min(1)).min(1).max(8);

/** A condition over token claims. */
export type Condition =
  | { kind: "and"; left: Condition; right: Condition }
  | { kind: "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "compare"; claim: string[]; op: "==" | "!="; value: string | number | boolean }
  | { kind: "in"; claim: string[]; values: (string | number | boolean)[] }
  | { kind: "has"; claim: string[] };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("and"), left: ConditionSchema, right: ConditionSchema }),
    z.strictObject({ kind: z.literal("or"), left: ConditionSchema, right: ConditionSchema }),
    z.strictObject({ kind: z.literal("not"), operand: ConditionSchema }),
    z.strictObject({
      kind: z.literal("compare"),
      claim: ClaimPath,
      op: z.enum(["==", "!="]),
      value: LiteralSchema,
    }),
    z.strictObject({ kind: z.literal("in"), claim: ClaimPath, values: z.array(LiteralSchema) }),
    z.strictObject({ kind: z.literal("has"), claim: ClaimPath }),
  ]),
);

/** The peers a rule applies to: named services, or every service but some. */
export const PeersSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("services"), ids: z.array(ServiceId).min(1) }),
  z.strictObject({ kind: z.literal("any"), except: z.array(ServiceId) }),
]);
export type Peers = z.infer<typeof PeersSchema>;

/**
 * One rule of one service's side. Ports are already resolved (named ports become numbers),
 * merged and sorted. `scopes` null means the rule does not narrow the token's scope.
 */
export const RuleSchema = z.strictObject({
  id: z.string().min(1),
  effect: z.enum(["allow", "deny"]),
  peers: PeersSchema,
  ports: z.array(PortRangeSchema).min(1),
  protocols: z.array(ProtocolSchema).min(1),
  scopes: z.array(z.string().min(1)).min(1).nullable(),
  when: ConditionSchema.nullable(),
  span: SourceSpanSchema,
});
export type Rule = z.infer<typeof RuleSchema>;

export const ServiceSchema = z.strictObject({
  id: ServiceId,
  ingress: z.array(RuleSchema),
  egress: z.array(RuleSchema),
  span: SourceSpanSchema,
});
export type Service = z.infer<typeof ServiceSchema>;

/** A public JSON Web Key as found in a JWKS file. Private members are refused at load. */
export const JwkSchema = z.looseObject({
  kty: z.string(),
  kid: z.string().optional(),
  alg: z.string().optional(),
  use: z.string().optional(),
});
export type Jwk = z.infer<typeof JwkSchema>;

/** Where the engine finds verification keys: embedded at compile time, or fetched from a URL. */
export const KeySourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("jwks"), keys: z.array(JwkSchema) }),
  z.strictObject({ kind: z.literal("url"), url: z.url() }),
]);
export type KeySource = z.infer<typeof KeySourceSchema>;

export const TrustSchema = z.strictObject({
  issuer: z.string().min(1),
  algorithms: z.array(z.string().min(1)).min(1),
  keys: KeySourceSchema,
  /** Seconds; at most 300. Caps both the age from `iat` and the lifetime `exp - iat`. */
  maxTokenAge: z.int().min(1).max(300),
  /** Seconds of tolerated clock difference; smaller than `maxTokenAge`. */
  clockSkew: z.int().min(0).max(299),
  multipleAudiences: z.boolean(),
  span: SourceSpanSchema.nullable(),
});
export type Trust = z.infer<typeof TrustSchema>;

export const IrSchema = z.strictObject({
  format: z.literal(IR_FORMAT),
  /** `sha256:<hex>` of the policy's meaning: the canonical IR without hash and spans. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  trust: TrustSchema.nullable(),
  services: z.array(ServiceSchema),
});
export type Ir = z.infer<typeof IrSchema>;
