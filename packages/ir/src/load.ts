import { computeHash } from "./canonical.ts";
import { IR_FORMAT, type Ir, IrSchema } from "./schema.ts";

/** Why an IR could not be loaded. */
export type IrLoadErrorCode =
  | "ir/not-json"
  | "ir/unknown-format"
  | "ir/invalid"
  | "ir/hash-mismatch"
  | "ir/private-key";

export interface IrLoadError {
  readonly code: IrLoadErrorCode;
  readonly message: string;
}

export type IrLoadResult =
  | { readonly ok: true; readonly ir: Ir }
  | { readonly ok: false; readonly error: IrLoadError };

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/**
 * Validates an IR given as JSON text or as a parsed value. Refuses unknown formats, any shape
 * error, a hash that does not match the content (a corrupt or hand-edited file), and embedded
 * keys that carry private or symmetric material. Never throws.
 */
export function loadIr(input: string | unknown): IrLoadResult {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      return fail("ir/not-json", `the compiled policy is not valid JSON: ${describe(error)}`);
    }
  }

  if (typeof value === "object" && value !== null && "format" in value) {
    const format = (value as { format: unknown }).format;
    if (format !== IR_FORMAT) {
      return fail(
        "ir/unknown-format",
        `unknown compiled policy format \`${String(format)}\`; this engine reads \`${IR_FORMAT}\``,
      );
    }
  }

  let parsed: ReturnType<typeof IrSchema.safeParse>;
  try {
    parsed = IrSchema.safeParse(value);
  } catch (error) {
    return fail("ir/invalid", `the compiled policy could not be validated: ${describe(error)}`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    return fail(
      "ir/invalid",
      `the compiled policy is invalid at \`${where || "(root)"}\`: ` +
        (issue?.message ?? "bad shape"),
    );
  }

  const ir = parsed.data;
  if (ir.trust?.keys.kind === "jwks") {
    for (const key of ir.trust.keys.keys) {
      if (PRIVATE_JWK_MEMBERS.some((member) => member in key)) {
        return fail(
          "ir/private-key",
          "the compiled policy embeds private or symmetric key material; " +
            "only public keys belong in it",
        );
      }
    }
  }
  if (computeHash(ir) !== ir.hash) {
    return fail("ir/hash-mismatch", "the compiled policy's hash does not match its content");
  }
  return { ok: true, ir };
}

function fail(code: IrLoadErrorCode, message: string): IrLoadResult {
  return { ok: false, error: { code, message } };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
