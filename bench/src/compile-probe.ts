import { compile, generatePolicySet } from "@palisade/compiler";

/**
 * Child-process entry of the compile benchmark: compiles the generated set named by the
 * arguments (services, rules per service) and says `compiled` when the IR came out. Run with a
 * capped heap, its exit status tells whether the compile fits in that heap.
 */
const [services, rulesPerService] = process.argv.slice(2).map(Number);
const result = compile(generatePolicySet(services ?? 0, rulesPerService ?? 0, 1));
process.stdout.write(result.ir === null ? "failed\n" : "compiled\n");
