import type { Engine } from "@palisade/engine";
import type { Decision } from "@palisade/ir";
import { checkAgreement } from "./agreement.ts";
import { type Contender, timeInterleaved } from "./harness.ts";
import type { RequestQuery, RequestTable } from "./map-floor.ts";
import { ISSUER } from "./print-policy.ts";
import { freshRequestQueries, spoiledRequestQueries } from "./queries.ts";
import { createRandom } from "./random.ts";
import type { ResultRow } from "./results.ts";
import {
  describeChecked,
  engineRequest,
  logTimings,
  type RowBase,
  reason,
  toRows,
} from "./scenario-rows.ts";
import type { RunSettings } from "./scenarios.ts";
import { createCryptoVerifier, createJoseVerifier, type TokenRules } from "./token-floors.ts";
import { NOW_MS, type SigningKey } from "./tokens.ts";

/** What every verifier in the bench requires, matching the generated trust settings. */
export const TOKEN_RULES: TokenRules = {
  issuer: ISSUER,
  maxAge: 300,
  clockSkew: 30,
  nowMs: NOW_MS,
};

/** Fresh tokens: every request brings a token never verified before. */
export async function runFresh(
  base: RowBase,
  engine: Engine,
  table: RequestTable,
  key: SigningKey,
  settings: RunSettings,
): Promise<ResultRow[]> {
  const { log } = settings;
  const { services } = base;
  // Every token here is new to the engine: the cached scenario's tokens have other ids.
  const random = createRandom(services * 13 + 5);
  const total = (settings.rounds + settings.warmupRounds) * settings.freshPerRound;
  const timed = freshRequestQueries(table, key, total, `fresh-${services}`, random);
  const sample = freshRequestQueries(table, key, 200, `sample-${services}`, random);
  const checks = [...sample, ...spoiledRequestQueries(sample.slice(0, 60), random)];

  const joseVerify = await createJoseVerifier(key.jwks, TOKEN_RULES);
  const cryptoVerify = createCryptoVerifier(key.jwks, TOKEN_RULES);

  const decisions: Decision[] = [];
  for (const query of checks) decisions.push(await engine.request(engineRequest(query)));
  const answers = decisions.map((decision) => decision.decision === "allow");
  const describe = (index: number): string => {
    const q = checks[index] as RequestQuery;
    return `fresh token for ${q.destination}:${q.port} (palisade: ${reason(decisions[index] as Decision)})`;
  };
  const everything = { most: checks.length, budgetMs: Number.POSITIVE_INFINITY, least: 1 };
  const checked = {
    palisade: checks.length,
    "jose jwtVerify": await checkAgreement(
      "jose jwtVerify",
      answers,
      (i) => joseVerify((checks[i] as RequestQuery).token, (checks[i] as RequestQuery).destination),
      describe,
      everything,
    ),
    "node:crypto": await checkAgreement(
      "node:crypto",
      answers,
      (i) => {
        const q = checks[i] as RequestQuery;
        return cryptoVerify(q.token, q.destination) !== null;
      },
      describe,
      everything,
    ),
  } as Record<string, number>;
  if (answers.slice(0, sample.length).some((allowed) => !allowed)) {
    throw new Error("palisade denied a fresh, valid token; the fresh scenario cannot run");
  }
  log(`fresh-token answers agree (${describeChecked(checked)})`);

  const engineQueries = timed.map(engineRequest);
  const contenders: Contender[] = [
    {
      name: "palisade",
      batch: async (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          const query = engineQueries[i] as ReturnType<typeof engineRequest>;
          if ((await engine.request(query)).decision === "allow") allows++;
        }
        return allows;
      },
    },
    {
      name: "jose jwtVerify",
      batch: async (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          const query = timed[i] as RequestQuery;
          if (await joseVerify(query.token, query.destination)) allows++;
        }
        return allows;
      },
    },
    {
      name: "node:crypto",
      batch: (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          const query = timed[i] as RequestQuery;
          if (cryptoVerify(query.token, query.destination) !== null) allows++;
        }
        return allows;
      },
    },
  ];
  const timings = await timeInterleaved(contenders, {
    clock: "wall",
    rounds: settings.rounds,
    warmupRounds: settings.warmupRounds,
    roundMs: settings.roundMs,
    opsPerRound: settings.freshPerRound,
    expectedAllows: (_start, count) => count,
  });
  logTimings(log, "request (fresh token)", timings);
  return toRows("request (fresh token)", base, timings, {}, checked, [true]);
}
