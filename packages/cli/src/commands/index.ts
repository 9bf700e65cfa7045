import type { Command } from "../context.ts";
import { checkCommand } from "./check.ts";
import { compileCommand } from "./compile.ts";
import { decideCommand } from "./decide.ts";
import { demoCommand } from "./demo.ts";
import { diffCommand } from "./diff.ts";
import { explainCommand } from "./explain.ts";
import { fmtCommand } from "./fmt.ts";
import { graphCommand } from "./graph.ts";
import { testCommand } from "./test.ts";

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  compileCommand,
  checkCommand,
  decideCommand,
  explainCommand,
  testCommand,
  graphCommand,
  diffCommand,
  fmtCommand,
  demoCommand,
];
