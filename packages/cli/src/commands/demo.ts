import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { allowedEdges, type Edge } from "@palisade/compiler";
import { createEngine, type Engine } from "@palisade/engine";
import type { Decision, Ir, ReasonCode } from "@palisade/ir";
import { importJWK, SignJWT } from "jose";
import { formatOption, parseCommandArgs } from "../args.ts";
import type { CliContext, Command } from "../context.ts";
import { describeNoRule, describeRule, verdict } from "../describe-decision.ts";
import { EXIT, InputError, UsageError } from "../exit-codes.ts";
import { compilePaths, readInputFile, reportLoad } from "../load-policy.ts";
import { displayPath } from "../policy-paths.ts";
import { renderCodeFrame } from "../render-diagnostic.ts";
import { formatSeconds } from "../time.ts";

/** Where an example folder keeps the private keys the demo signs with. */
const EXAMPLE_KEYS = "keys/EXAMPLE-ONLY-private-keys.json";

/** One request the demo sends, the claims of its token, and what the policy must answer. */
interface Scenario {
  readonly title: string;
  readonly request: {
    readonly type: "request";
    readonly source: string;
    readonly destination: string;
    readonly port: number;
    readonly protocol: string;
    readonly action: string;
  };
  readonly claims: Record<string, unknown>;
  readonly expect: "allow" | "deny";
  /** The expected reason; null accepts any reason (the caller-not-in-ingress case). */
  readonly reason: ReasonCode | null;
}

/** `palisade demo`: the main job on a shipped example, with real signed tokens. */
export const demoCommand: Command = {
  name: "demo",
  summary: "compile an example and decide real signed requests against it",
  help: `Usage: palisade demo [EXAMPLE] [--format text|json]

Compiles the example policy set in the folder EXAMPLE (default examples/mesh; its policy/
subfolder when it has one), signs a handful of real tokens with the example's own private
keys (EXAMPLE/${EXAMPLE_KEYS}, published for this demo only and used nowhere
else) and decides requests that carry them: an allowed call, a token for the wrong audience,
an expired token, a caller the destination's ingress does not admit, and actions outside the
token's scope and outside the rule's scopes. Each decision is printed with its reason and the
source line of the deciding rule.

Options:
  --format json   one JSON object per request: the request, the claims, the decision
  -h, --help      show this help

Exit: 0 every decision came out as the demo expects; 1 one did not, or the policy has errors;
2 bad usage or unreadable input.

Example:
  palisade demo examples/mesh`,

  async run(args, context) {
    const { values, positionals } = parseCommandArgs("demo", args, {
      format: { type: "string" },
    });
    const format = formatOption("demo", values.format, ["text", "json"], "text");
    if (positionals.length > 1) throw new UsageError("give one example folder", "demo");
    const folder = positionals[0] ?? "examples/mesh";

    // An example keeps its DSL sources in `policy/` (and may hold the same set in another form
    // beside it, which must not be compiled together with them).
    const dslFolder = `${folder.replace(/\/+$/, "")}/policy`;
    const sources = isFolder(resolve(context.io.cwd, dslFolder)) ? dslFolder : folder;
    const loaded = compilePaths(context, [sources]);
    const ir = reportLoad(context, loaded, format, "hide");
    if (ir === null) return EXIT.failed;
    if (ir.trust === null) {
      throw new InputError(`the policy in \`${folder}\` has no trust block, so it takes no tokens`);
    }

    const keysPath = resolve(context.io.cwd, folder, EXAMPLE_KEYS);
    const keysShown = displayPath(context.io.cwd, keysPath);
    if (!existsSync(keysPath)) {
      throw new InputError(`the demo signs with example keys and found none at \`${keysShown}\``);
    }
    const signer = await exampleSigner(readInputFile(context, keysPath), keysShown, ir);

    const nowMs = context.io.now();
    const engine = createEngine(ir, { now: () => nowMs });
    const now = Math.floor(nowMs / 1000);
    const scenarios = planScenarios(ir, engine, now);
    if (scenarios.length === 0) {
      throw new InputError(`the policy in \`${folder}\` allows no request with scopes to show`);
    }

    if (format === "text") {
      context.print(context.out.bold(`Palisade demo on ${folder}`));
      const counts = `${loaded.files.length} files, ${ir.services.length} services`;
      context.print(`compiled ${sources}: ${counts}, policy ${ir.hash.slice(0, 19)}...`);
      context.print(
        `tokens signed with the example key \`${signer.kid}\` (${signer.alg}) from ${keysShown}`,
      );
    }

    let mismatches = 0;
    for (const [index, scenario] of scenarios.entries()) {
      const { claims } = scenario;
      const token = await signer.sign(claims);
      const decision = await engine.decide({
        ...scenario.request,
        headers: { authorization: `Bearer ${token}` },
      });
      const asExpected =
        decision.decision === scenario.expect &&
        (scenario.reason === null || decision.reason === scenario.reason);
      if (!asExpected) mismatches += 1;

      if (format === "json") {
        context.print(
          JSON.stringify({
            scenario: scenario.title,
            request: scenario.request,
            claims,
            token,
            expected: { decision: scenario.expect, reason: scenario.reason },
            decision,
            asExpected,
          }),
        );
      } else {
        printScenario(context, index + 1, scenario, claims, now, token, decision, asExpected);
      }
    }

    if (format === "text") {
      context.print("");
      context.print(
        mismatches === 0
          ? context.out.green(`${scenarios.length} requests decided as expected`)
          : context.out.red(
              `${mismatches} of ${scenarios.length} requests were not decided as expected`,
            ),
      );
      context.print("next: palisade explain --help, palisade test examples/mesh, docs/cli.md");
    }
    return mismatches === 0 ? EXIT.ok : EXIT.failed;
  },
};

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Signs with the first example key whose algorithm the policy accepts. */
async function exampleSigner(
  text: string,
  shown: string,
  ir: Ir,
): Promise<{
  kid: string;
  alg: string;
  sign: (claims: Record<string, unknown>) => Promise<string>;
}> {
  let keys: unknown;
  try {
    keys = (JSON.parse(text) as { keys?: unknown }).keys;
  } catch (error) {
    throw new InputError(`\`${shown}\` is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(keys)) throw new InputError(`\`${shown}\` is not a JWKS: it needs \`keys\``);
  for (const algorithm of ir.trust?.algorithms ?? []) {
    const jwk = keys.find(
      (key): key is { alg: string; kid: string; d: string } =>
        typeof key === "object" &&
        key !== null &&
        key.alg === algorithm &&
        typeof key.d === "string",
    );
    if (jwk === undefined) continue;
    const privateKey = await importJWK(jwk, algorithm);
    return {
      kid: jwk.kid,
      alg: algorithm,
      sign: (claims) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: algorithm, typ: "JWT", kid: jwk.kid })
          .sign(privateKey),
    };
  }
  throw new InputError(`\`${shown}\` holds no private key for the policy's algorithms`);
}

/**
 * The requests the demo makes, chosen from the policy itself: the first allowed edge that
 * lists scopes gives the caller, destination, port and action; the rest vary one thing each.
 */
function planScenarios(ir: Ir, engine: Engine, now: number): Scenario[] {
  // Prefer an edge whose destination grants some other caller a scope this one lacks, so that
  // every kind of denial can be shown; among those, the one with the most scopes.
  const scoped = allowedEdges(ir).filter(
    (candidate): candidate is Edge & { scopes: string[] } =>
      candidate.scopes !== null && candidate.scopes.length > 1 && !candidate.conditional,
  );
  const scopesBeyond = (candidate: Edge & { scopes: string[] }): string[] =>
    (ir.services.find((service) => service.id === candidate.destination)?.ingress ?? [])
      .flatMap((rule) => rule.scopes ?? [])
      .filter((scope) => !candidate.scopes.includes(scope));
  const showsAll = scoped.filter((candidate) => scopesBeyond(candidate).length > 0);
  const edge = [...showsAll].sort((a, b) => b.scopes.length - a.scopes.length)[0] ?? scoped[0];
  if (edge === undefined) return [];
  const [first] = edge.ports;
  const port = first?.[0] ?? 0;
  const [action = "", otherAction = ""] = edge.scopes;
  const request = {
    type: "request" as const,
    source: edge.source,
    destination: edge.destination,
    port,
    protocol: edge.protocol,
    action,
  };
  const ids = ir.services.map((service) => service.id);
  const base = {
    iss: ir.trust?.issuer ?? "",
    sub: edge.source,
    aud: edge.destination,
    scope: action,
    iat: now - 5,
    exp: now + 240,
  };

  const scenarios: Scenario[] = [
    {
      title: "allowed",
      request,
      claims: base,
      expect: "allow",
      reason: "allowed",
    },
  ];

  const elsewhere = ids.find((id) => id !== edge.destination && id !== edge.source);
  if (elsewhere !== undefined) {
    scenarios.push({
      title: "token minted for another service (wrong audience)",
      request,
      claims: { ...base, aud: elsewhere },
      expect: "deny",
      reason: "token-wrong-audience",
    });
  }

  // Expired by a minute more than the clock skew tolerates, and younger than the maximum age.
  const skew = ir.trust?.clockSkew ?? 30;
  scenarios.push({
    title: "expired token",
    request,
    claims: { ...base, iat: now - skew - 120, exp: now - skew - 60 },
    expect: "deny",
    reason: "token-expired",
  });

  // A service that calls others (it has egress rules) but that this ingress does not admit.
  const stranger = ir.services.find(
    (service) =>
      service.id !== edge.source &&
      service.id !== edge.destination &&
      service.egress.length > 0 &&
      engine.ingress({
        source: service.id,
        destination: edge.destination,
        port,
        protocol: edge.protocol,
      }).decision === "deny",
  )?.id;
  if (stranger !== undefined) {
    scenarios.push({
      title: `caller not in ${edge.destination}'s ingress`,
      request: { ...request, source: stranger },
      claims: { ...base, sub: stranger },
      expect: "deny",
      reason: null,
    });
  }

  scenarios.push({
    title: "action outside the token's scope",
    request: { ...request, action: otherAction },
    claims: base,
    expect: "deny",
    reason: "token-scope-missing",
  });

  const [beyondRule] = scopesBeyond(edge);
  if (beyondRule !== undefined) {
    scenarios.push({
      title: `action in the token but outside the scopes ${edge.destination} grants ${edge.source}`,
      request: { ...request, action: beyondRule },
      claims: { ...base, scope: `${action} ${beyondRule}` },
      expect: "deny",
      reason: "action-not-permitted",
    });
  }
  return scenarios;
}

function printScenario(
  context: CliContext,
  number: number,
  scenario: Scenario,
  claims: Record<string, unknown>,
  now: number,
  token: string,
  decision: Decision,
  asExpected: boolean,
): void {
  const { out } = context;
  const { request } = scenario;
  context.print("");
  context.print(out.bold(`${number}. ${scenario.title}`));
  const target = `${request.destination}:${request.port}/${request.protocol}`;
  context.print(`   request  ${request.source} -> ${target} action ${request.action}`);
  const exp = typeof claims.exp === "number" ? claims.exp - now : 0;
  const lifetime =
    exp >= 0 ? `expires in ${formatSeconds(exp)}` : `expired ${formatSeconds(-exp)} ago`;
  const { sub, aud, scope } = claims;
  context.print(
    `   token    sub=${String(sub)} aud=${String(aud)} scope="${String(scope)}" ${lifetime}`,
  );
  context.print(`            ${out.dim(`${token.slice(0, 48)}...`)}`);
  const pad = " ".repeat(9 - decision.decision.length);
  context.print(
    `   ${verdict(decision, out)}${pad}${out.bold(decision.reason)}: ${decision.message}`,
  );
  const rule = describeRule(decision);
  if (rule === null) {
    context.print(`            ${describeNoRule(decision)}`);
  } else {
    context.print(`            rule ${rule}`);
    const tone = decision.decision === "allow" ? out.green : out.red;
    const frame =
      decision.rule === null ? [] : renderCodeFrame(decision.rule.span, context.sources, out, tone);
    for (const line of frame) context.print(`          ${line}`);
  }
  if (!asExpected) {
    const wanted = `${scenario.expect}${scenario.reason === null ? "" : ` (${scenario.reason})`}`;
    context.print(out.red(`   not as expected: the demo expected ${wanted}`));
  }
}
