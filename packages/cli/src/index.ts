export { EXIT, type ExitCode, InputError, UsageError } from "./exit-codes.ts";
export { type CliIo, processIo } from "./io.ts";
export { generalHelp, runCli, VERSION } from "./run-cli.ts";
