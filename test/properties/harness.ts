/**
 * What the properties share: turning a generated policy into sources and an IR, the engine
 * under test (real, or a deliberately broken one from the mutant tests), and the comparison of
 * an engine decision with the reference's.
 */
import { compile } from "@palisade/compiler";
import { createEngine } from "@palisade/engine";
import type { Decision, Ir } from "@palisade/ir";
import type { Diagnostic, Source } from "@palisade/syntax";
import {
  type FileLayout,
  type GeneratedPolicy,
  type SourceForm,
  splitIntoFiles,
} from "./arbitraries.ts";
import { type DslStyle, PLAIN_DSL_STYLE, printDsl } from "./print-dsl.ts";
import { PLAIN_YAML_STYLE, printYaml, type YamlStyle } from "./print-yaml.ts";
import type { NetworkQuery, ReferenceDecision } from "./reference.ts";
import { now, readFile } from "./tokens.ts";

/** A request as the engine takes it. */
export interface EngineRequest {
  readonly destination: string;
  readonly port: number;
  readonly protocol?: "tcp" | "udp";
  readonly action: string;
  readonly authorization?: string | string[] | null;
  readonly source?: string;
  readonly transportIdentity?: string;
}

/** The part of the engine's public surface the properties exercise. */
export interface EngineUnderTest {
  connection(query: NetworkQuery): Decision;
  ingress(query: NetworkQuery): Decision;
  egress(query: NetworkQuery): Decision;
  request(query: EngineRequest): Promise<Decision>;
  decide(input: unknown): Promise<Decision>;
}

/** Builds the engine under test for an IR, with the frozen clock. */
export type EngineFactory = (ir: Ir) => EngineUnderTest;

/** The real engine, on the frozen clock. */
export const realEngine: EngineFactory = (ir) => createEngine(ir, { now });

/** Text style for both forms. */
export interface SourceStyle {
  readonly dsl: DslStyle;
  readonly yaml: YamlStyle;
}

/** The plainest text in both forms. */
export const PLAIN_STYLE: SourceStyle = { dsl: PLAIN_DSL_STYLE, yaml: PLAIN_YAML_STYLE };

/** A layout with everything in one file of the given form. */
export function singleFile(policy: GeneratedPolicy, form: SourceForm = "dsl"): FileLayout {
  return { serviceFile: policy.services.map(() => 0), trustFile: 0, forms: [form] };
}

/** The source files of a generated policy. */
export function sourcesOf(
  policy: GeneratedPolicy,
  layout: FileLayout = singleFile(policy),
  style: SourceStyle = PLAIN_STYLE,
): Source[] {
  return splitIntoFiles(policy, layout).map(({ form, policy: file }) => ({
    file: file.file,
    text: form === "dsl" ? printDsl(file, style.dsl) : printYaml(file, style.yaml),
  }));
}

/** A readable account of compile errors, with the sources that caused them. */
function describeFailure(sources: readonly Source[], diagnostics: readonly Diagnostic[]): string {
  const files = sources.map((source) => `--- ${source.file}\n${source.text}`).join("\n");
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  return `a generated policy did not compile:\n${JSON.stringify(errors, null, 2)}\n${files}`;
}

/**
 * Compiles sources that are valid by construction. Errors mean the compiler refused a valid
 * policy (or the generator is wrong): either way the property fails with the whole story.
 */
export function compileSources(sources: readonly Source[]): Ir {
  const result = compile([...sources], { readFile });
  if (result.ir === null) throw new Error(describeFailure(sources, result.diagnostics));
  return result.ir;
}

/** Compiles a generated policy written as one DSL file. */
export function compilePolicy(policy: GeneratedPolicy): Ir {
  return compileSources(sourcesOf(policy));
}

/** The parts of a decision the differential compares. */
export function decisionSummary(decision: Decision | ReferenceDecision) {
  const ruleId = "ruleId" in decision ? decision.ruleId : (decision.rule?.id ?? null);
  return { decision: decision.decision, reason: decision.reason, ruleId };
}
