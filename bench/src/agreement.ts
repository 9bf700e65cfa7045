import { DisagreementError } from "./harness.ts";

/** How far to check a contender whose decisions are slow. */
export interface AgreementBudget {
  /** Most queries to check. */
  readonly most: number;
  /** Stop after this long once `least` queries are checked. */
  readonly budgetMs: number;
  readonly least: number;
}

/**
 * Asks a contender the same queries Palisade answered and aborts the run (by throwing) when any
 * answer differs, naming the first few. Returns how many queries were compared.
 */
export async function checkAgreement(
  name: string,
  palisade: readonly boolean[],
  answer: (index: number) => boolean | Promise<boolean>,
  describe: (index: number) => string,
  budget: AgreementBudget,
): Promise<number> {
  const began = performance.now();
  const differences: string[] = [];
  let checked = 0;
  const most = Math.min(budget.most, palisade.length);
  for (let index = 0; index < most; index++) {
    if (checked >= budget.least && performance.now() - began > budget.budgetMs) break;
    const result = answer(index);
    const allowed = typeof result === "boolean" ? result : await result;
    checked++;
    if (allowed !== palisade[index]) {
      differences.push(
        `  ${describe(index)}: palisade ${palisade[index] ? "allows" : "denies"}, ` +
          `${name} ${allowed ? "allows" : "denies"}`,
      );
      if (differences.length >= 5) break;
    }
  }
  if (differences.length > 0) {
    throw new DisagreementError(
      `\`${name}\` disagrees with palisade, so timing them would not compare equal work:\n` +
        differences.join("\n"),
    );
  }
  return checked;
}
