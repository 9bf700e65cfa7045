/**
 * The grammar of the policy language as a chevrotain parser. It holds grammar rules only: no
 * actions, no I/O. It builds a concrete syntax tree that `to-ast.ts` turns into the AST.
 *
 * `grammar/palisade.ebnf` states the same grammar for people; a test keeps the two in step, so a
 * rule or keyword changed here must be changed there too.
 */
import { CstParser, type IParserErrorMessageProvider } from "chevrotain";
import {
  ALL_TOKENS,
  ClaimPath,
  Comma,
  DotDot,
  Equals,
  keyword,
  LBrace,
  LBracket,
  LParen,
  NotEquals,
  NumberLike,
  RBrace,
  RBracket,
  RParen,
  StringLiteral,
  Word,
} from "./tokens.ts";

/** The parser of `*.policy` text. Build it once and reuse it: construction analyses the grammar. */
export class PolicyGrammar extends CstParser {
  constructor(errorMessageProvider: IParserErrorMessageProvider) {
    super([...ALL_TOKENS], {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  /** A whole file: trust blocks and services, in any order. */
  readonly policyFile = this.RULE("policyFile", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.trustBlock) },
        { ALT: () => this.SUBRULE(this.serviceDecl) },
      ]);
    });
  });

  readonly trustBlock = this.RULE("trustBlock", () => {
    this.CONSUME(keyword("trust"));
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.trustSetting));
    this.CONSUME(RBrace);
  });

  readonly trustSetting = this.RULE("trustSetting", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(keyword("issuer"));
          this.CONSUME(StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("algorithms"));
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.CONSUME(Word) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("keys"));
          this.OPTION(() => this.CONSUME(keyword("url")));
          this.CONSUME2(StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("max-age"));
          this.CONSUME(NumberLike);
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("clock-skew"));
          this.CONSUME2(NumberLike);
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("multiple-audiences"));
          this.OR2([
            { ALT: () => this.CONSUME(keyword("true")) },
            { ALT: () => this.CONSUME(keyword("false")) },
          ]);
        },
      },
    ]);
  });

  readonly serviceDecl = this.RULE("serviceDecl", () => {
    this.CONSUME(keyword("service"));
    this.CONSUME(Word);
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.namedPort) },
        { ALT: () => this.SUBRULE(this.ingressBlock) },
        { ALT: () => this.SUBRULE(this.egressBlock) },
      ]);
    });
    this.CONSUME(RBrace);
  });

  readonly namedPort = this.RULE("namedPort", () => {
    this.CONSUME(keyword("port"));
    this.CONSUME(Word);
    this.CONSUME(NumberLike);
  });

  readonly ingressBlock = this.RULE("ingressBlock", () => {
    this.CONSUME(keyword("ingress"));
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.ingressRule));
    this.CONSUME(RBrace);
  });

  readonly egressBlock = this.RULE("egressBlock", () => {
    this.CONSUME(keyword("egress"));
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.egressRule));
    this.CONSUME(RBrace);
  });

  readonly ingressRule = this.RULE("ingressRule", () => {
    this.OR([
      { ALT: () => this.CONSUME(keyword("allow")) },
      { ALT: () => this.CONSUME(keyword("deny")) },
    ]);
    this.CONSUME(keyword("from"));
    this.SUBRULE(this.peers);
    this.ruleClauses();
  });

  readonly egressRule = this.RULE("egressRule", () => {
    this.OR([
      { ALT: () => this.CONSUME(keyword("allow")) },
      { ALT: () => this.CONSUME(keyword("deny")) },
    ]);
    this.CONSUME(keyword("to"));
    this.SUBRULE(this.peers);
    this.ruleClauses();
  });

  /** The optional clauses of a rule, in any order here; `to-ast.ts` checks the order. */
  private ruleClauses(): void {
    this.MANY(() => {
      this.OR2([
        { ALT: () => this.SUBRULE(this.portClause) },
        { ALT: () => this.SUBRULE(this.protocolClause) },
        { ALT: () => this.SUBRULE(this.scopesClause) },
        { ALT: () => this.SUBRULE(this.whenClause) },
      ]);
    });
  }

  readonly peers = this.RULE("peers", () => {
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        this.OR([
          { ALT: () => this.SUBRULE(this.servicePeer) },
          { ALT: () => this.SUBRULE(this.anyPeer) },
        ]);
      },
    });
  });

  readonly servicePeer = this.RULE("servicePeer", () => {
    this.CONSUME(Word);
    this.OPTION(() => this.SUBRULE(this.peerPorts));
  });

  readonly anyPeer = this.RULE("anyPeer", () => {
    this.CONSUME(keyword("any"));
    this.OPTION(() => {
      this.CONSUME(keyword("except"));
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.CONSUME(Word) });
    });
    this.OPTION2(() => this.SUBRULE(this.peerPorts));
  });

  readonly peerPorts = this.RULE("peerPorts", () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.portClause);
    this.CONSUME(RParen);
  });

  readonly portClause = this.RULE("portClause", () => {
    this.OR([
      { ALT: () => this.CONSUME(keyword("port")) },
      { ALT: () => this.CONSUME(keyword("ports")) },
    ]);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.portItem) });
  });

  readonly portItem = this.RULE("portItem", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(NumberLike);
          this.OPTION(() => {
            this.CONSUME(DotDot);
            this.CONSUME2(NumberLike);
          });
        },
      },
      { ALT: () => this.CONSUME(Word) },
    ]);
  });

  readonly protocolClause = this.RULE("protocolClause", () => {
    this.OR([
      { ALT: () => this.CONSUME(keyword("protocol")) },
      { ALT: () => this.CONSUME(keyword("protocols")) },
    ]);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        this.OR2([
          { ALT: () => this.CONSUME(keyword("tcp")) },
          { ALT: () => this.CONSUME(keyword("udp")) },
        ]);
      },
    });
  });

  readonly scopesClause = this.RULE("scopesClause", () => {
    this.CONSUME(keyword("scopes"));
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        this.OR([{ ALT: () => this.CONSUME(Word) }, { ALT: () => this.CONSUME(StringLiteral) }]);
      },
    });
  });

  readonly whenClause = this.RULE("whenClause", () => {
    this.CONSUME(keyword("when"));
    this.SUBRULE(this.condition);
  });

  /** A condition on token claims; also the entry point for conditions written in YAML. */
  readonly condition = this.RULE("condition", () => {
    this.AT_LEAST_ONE_SEP({ SEP: keyword("or"), DEF: () => this.SUBRULE(this.andCondition) });
  });

  readonly andCondition = this.RULE("andCondition", () => {
    this.AT_LEAST_ONE_SEP({ SEP: keyword("and"), DEF: () => this.SUBRULE(this.notCondition) });
  });

  readonly notCondition = this.RULE("notCondition", () => {
    this.MANY(() => this.CONSUME(keyword("not")));
    this.SUBRULE(this.primaryCondition);
  });

  readonly primaryCondition = this.RULE("primaryCondition", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.condition);
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("has"));
          this.CONSUME(ClaimPath);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(ClaimPath);
          this.SUBRULE(this.comparison);
        },
      },
    ]);
  });

  readonly comparison = this.RULE("comparison", () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(Equals) }, { ALT: () => this.CONSUME(NotEquals) }]);
          this.SUBRULE(this.literal);
        },
      },
      {
        ALT: () => {
          this.CONSUME(keyword("in"));
          this.CONSUME(LBracket);
          this.MANY_SEP({ SEP: Comma, DEF: () => this.SUBRULE2(this.literal) });
          this.CONSUME(RBracket);
        },
      },
    ]);
  });

  readonly literal = this.RULE("literal", () => {
    this.OR([
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(NumberLike) },
      { ALT: () => this.CONSUME(keyword("true")) },
      { ALT: () => this.CONSUME(keyword("false")) },
    ]);
  });
}
