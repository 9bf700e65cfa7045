/**
 * Conditions (`when …`) from syntax tree to AST. Chains of `and`/`or` and runs of `not` are built
 * in loops, and the depth of the result is bounded, so no condition can exhaust a stack here or
 * in any later walk of the tree.
 */
import type { CstNode } from "chevrotain";
import type { Expr, Literal, Span } from "../ast.ts";
import { BuildContext } from "./build-context.ts";
import { keywordOf, nodesOf, tokenOf, tokensOf } from "./cst-access.ts";
import {
  ClaimPath,
  Equals,
  keyword,
  LParen,
  NotEquals,
  NumberLike,
  RBracket,
  RParen,
  StringLiteral,
} from "./tokens.ts";

/**
 * Deepest condition tree accepted, counting every `and`, `or` and `not` on the way down. A long
 * chain like `a and b and c …` is as deep as it is long; bounding it keeps every later walk of
 * the tree (formatter, compiler, evaluator) far from the stack limit.
 */
export const MAX_CONDITION_DEPTH = 256;

interface BuiltExpr {
  readonly expr: Expr;
  readonly depth: number;
}

/** Builds condition expressions; the policy builder extends it with the rest of the language. */
export class ConditionBuilder extends BuildContext {
  /** The expression of a `condition` node, or null when it is incomplete or too deep. */
  condition(node: CstNode): Expr | null {
    return this.orCondition(node)?.expr ?? null;
  }

  // Conditions.

  private tooDeep(span: Span): null {
    this.error(
      "parse/condition-too-large",
      `condition is nested more than ${MAX_CONDITION_DEPTH} operators deep`,
      span,
      "split it over several rules",
    );
    return null;
  }

  private chain(
    parts: CstNode[],
    build: (part: CstNode) => BuiltExpr | null,
    kind: "And" | "Or",
  ): BuiltExpr | null {
    let result: BuiltExpr | null = null;
    for (const part of parts) {
      const next = build(part);
      if (next === null) return null;
      if (result === null) {
        result = next;
        continue;
      }
      const span = this.join(result.expr.span, next.expr.span);
      const depth: number = Math.max(result.depth, next.depth) + 1;
      if (depth > MAX_CONDITION_DEPTH) return this.tooDeep(span);
      result = { expr: { kind, left: result.expr, right: next.expr, span }, depth };
    }
    return result;
  }

  private orCondition(node: CstNode): BuiltExpr | null {
    return this.chain(nodesOf(node, "andCondition"), (part) => this.andCondition(part), "Or");
  }

  private andCondition(node: CstNode): BuiltExpr | null {
    return this.chain(nodesOf(node, "notCondition"), (part) => this.notCondition(part), "And");
  }

  private notCondition(node: CstNode): BuiltExpr | null {
    const primary = nodesOf(node, "primaryCondition")[0];
    let result = primary === undefined ? null : this.primaryCondition(primary);
    if (result === null) return null;
    const negations = tokensOf(node, keyword("not"));
    for (let index = negations.length - 1; index >= 0; index--) {
      const negation = negations[index];
      if (negation === undefined) continue;
      const span = this.join(this.tokenSpan(negation), result.expr.span);
      if (result.depth + 1 > MAX_CONDITION_DEPTH) return this.tooDeep(span);
      result = { expr: { kind: "Not", operand: result.expr, span }, depth: result.depth + 1 };
    }
    return result;
  }

  private primaryCondition(node: CstNode): BuiltExpr | null {
    const inner = nodesOf(node, "condition")[0];
    if (inner !== undefined) {
      const built = this.orCondition(inner);
      const open = tokenOf(node, LParen);
      const close = tokenOf(node, RParen);
      if (built === null || open === undefined || close === undefined) return built;
      // The parentheses belong to the sub-condition, so an underline of it shows them too.
      const span = this.join(this.tokenSpan(open), this.tokenSpan(close));
      return { expr: { ...built.expr, span }, depth: built.depth };
    }

    const claimToken = tokenOf(node, ClaimPath);
    if (claimToken === undefined) return null;
    const claim = claimToken.image.split(".").slice(1);
    const has = keywordOf(node, "has");
    if (has !== undefined) {
      const span = this.join(this.tokenSpan(has), this.tokenSpan(claimToken));
      return { expr: { kind: "Has", claim, span }, depth: 1 };
    }

    const comparison = nodesOf(node, "comparison")[0];
    if (comparison === undefined) return null;
    const literals = nodesOf(comparison, "literal");
    if (keywordOf(comparison, "in") !== undefined) {
      const values: Literal[] = [];
      for (const literal of literals) {
        const value = this.literal(literal);
        if (value === null) return null;
        values.push(value);
      }
      const close = tokenOf(comparison, RBracket);
      const lastLiteral = literals.at(-1);
      const lastSpan =
        close !== undefined
          ? this.tokenSpan(close)
          : lastLiteral === undefined
            ? this.tokenSpan(claimToken)
            : (this.nodeSpan(lastLiteral) ?? this.tokenSpan(claimToken));
      const span = this.join(this.tokenSpan(claimToken), lastSpan);
      return { expr: { kind: "In", claim, values, span }, depth: 1 };
    }

    const op = tokenOf(comparison, Equals) ?? tokenOf(comparison, NotEquals);
    const literal = literals[0];
    if (op === undefined || literal === undefined) return null;
    const value = this.literal(literal);
    const literalSpan = this.nodeSpan(literal);
    if (value === null || literalSpan === null) return null;
    return {
      expr: {
        kind: "Compare",
        claim,
        op: op.image === "!=" ? "!=" : "==",
        value,
        span: this.join(this.tokenSpan(claimToken), literalSpan),
      },
      depth: 1,
    };
  }

  private literal(node: CstNode): Literal | null {
    const text = tokenOf(node, StringLiteral);
    if (text !== undefined) return this.stringValue(text);
    if (keywordOf(node, "true") !== undefined) return true;
    if (keywordOf(node, "false") !== undefined) return false;
    const number = tokenOf(node, NumberLike);
    if (number === undefined) return null;
    const value = Number(number.image);
    if (!/^-?(0|[1-9][0-9]*)$/.test(number.image) || !Number.isSafeInteger(value)) {
      this.error(
        "parse/invalid-number",
        `\`${number.image}\` is not a whole number`,
        this.tokenSpan(number),
        "a value is a double-quoted string, a whole number, `true` or `false`",
      );
      return null;
    }
    return value;
  }
}
