// The `palisade` binary: runs the CLI on this process and exits with its code.
import { processIo } from "./io.ts";
import { runCli } from "./run-cli.ts";

process.exitCode = await runCli(process.argv.slice(2), processIo());
