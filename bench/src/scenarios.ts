import type { Decision, Ir } from "@palisade/ir";
import { serializeIr } from "@palisade/ir";
import { checkAgreement } from "./agreement.ts";
import { casbinConnection, casbinPolicies, casbinRequest, loadCasbin } from "./casbin-peer.ts";
import {
  cedarConnection,
  cedarConnectionCalls,
  cedarPolicies,
  cedarRequest,
  loadCedar,
} from "./cedar-peer.ts";
import { runFresh, TOKEN_RULES } from "./fresh-tokens.ts";
import {
  allowsInRange,
  type Contender,
  cpuMs,
  median,
  prefixOfAllows,
  timeInterleaved,
} from "./harness.ts";
import { type Loaded, measureLoad } from "./load.ts";
import {
  buildConnectionTable,
  buildRequestTable,
  type ConnectionQuery,
  floorConnection,
  floorRequest,
  type RequestQuery,
} from "./map-floor.ts";
import { generateMesh } from "./mesh.ts";
import { compileSources, loadEngine } from "./palisade.ts";
import { meshToDsl } from "./print-policy.ts";
import { cachedRequestQueries, connectionQueries } from "./queries.ts";
import { createRandom } from "./random.ts";
import type { CompileResult, ResultRow } from "./results.ts";
import {
  describeChecked,
  engineRequest,
  logTimings,
  megabytes,
  reason,
  share,
  toRows,
} from "./scenario-rows.ts";
import { ClaimsCache, createCryptoVerifier } from "./token-floors.ts";
import { NOW_MS, type SigningKey } from "./tokens.ts";

/** How long and how carefully to measure. */
export interface RunSettings {
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly roundMs: number;
  readonly freshPerRound: number;
  /** Per slow contender, how long the agreement check may take once 50 queries are done. */
  readonly agreementMs: number;
  readonly log: (line: string) => void;
}

const CONNECTION_QUERIES = 8192;
const REQUEST_QUERIES = 4096;
const CACHED_TOKENS = 256;
const AGREEMENT_MOST = 3000;

/** Measures every decision scenario on a generated mesh of `services` services. */
export async function runSize(
  services: number,
  key: SigningKey,
  settings: RunSettings,
): Promise<{ rows: ResultRow[]; compile: CompileResult }> {
  const { log } = settings;
  const mesh = generateMesh(services, services);
  const sources = meshToDsl(mesh, "mesh");
  const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
  log(`\n## ${services} services, ${mesh.rules} rules (${(bytes / 1e6).toFixed(2)} MB of DSL)`);

  const compileTimes: number[] = [];
  let irText = "";
  const repetitions = services >= 10_000 ? 1 : 3;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const began = cpuMs();
    const ir = compileSources(sources, key.jwks);
    compileTimes.push(cpuMs() - began);
    irText = serializeIr(ir);
  }
  const compileMs = median(compileTimes.sort((a, b) => a - b));
  log(`compile: ${compileMs.toFixed(1)} ms (median of ${repetitions})`);
  const ir = JSON.parse(irText);
  const irRules = (ir as Ir).services.reduce(
    (sum, service) => sum + service.ingress.length + service.egress.length,
    0,
  );
  log(`the IR holds ${irRules} rules (a rule with per-peer ports becomes one rule per peer)`);

  const palisade = await measureLoad(() => loadEngine(irText));
  const floor = await measureLoad(() => ({
    connections: buildConnectionTable(JSON.parse(irText)),
    requests: buildRequestTable(JSON.parse(irText)),
  }));
  const cedarText = cedarPolicies(ir);
  const cedar = await measureLoad(() => loadCedar(cedarText));
  const casbinText = casbinPolicies(ir);
  const casbin = await measureLoad(() => loadCasbin(casbinText));
  for (const [name, loaded] of [
    ["palisade", palisade],
    ["map floor", floor],
    ["cedar-wasm", cedar],
    ["casbin", casbin],
  ] as const) {
    log(`load ${name}: ${loaded.loadMs.toFixed(1)} ms, ${megabytes(loaded)}`);
  }

  const base = { services, rules: irRules, sourceRules: mesh.rules };
  const loads = { palisade, "map floor": floor, "cedar-wasm": cedar, casbin } as Record<
    string,
    Loaded<unknown>
  >;
  const engine = palisade.value;
  const cache = new ClaimsCache(createCryptoVerifier(key.jwks, TOKEN_RULES), NOW_MS);
  const rows: ResultRow[] = [];

  // Connections.
  const random = createRandom(services * 7 + 1);
  const connections = connectionQueries(ir, floor.value.connections, CONNECTION_QUERIES, random);
  const connectionDecisions = connections.map((query) => engine.connection(query));
  const connectionAnswers = connectionDecisions.map((decision) => decision.decision === "allow");
  const describeConnection = (index: number): string => {
    const q = connections[index] as ConnectionQuery;
    const d = connectionDecisions[index] as Decision;
    return `${q.source} -> ${q.destination}:${q.port}/${q.protocol} (palisade: ${reason(d)})`;
  };
  const cedarCalls = cedarConnectionCalls(connections);
  const fast = { most: AGREEMENT_MOST, budgetMs: Number.POSITIVE_INFINITY, least: 50 };
  const slow = { most: AGREEMENT_MOST, budgetMs: settings.agreementMs, least: 50 };
  const checked = {
    palisade: connections.length,
    "map floor": await checkAgreement(
      "map floor",
      connectionAnswers,
      (i) => floorConnection(floor.value.connections, connections[i] as ConnectionQuery),
      describeConnection,
      { ...fast, most: connections.length },
    ),
    "cedar-wasm": await checkAgreement(
      "cedar-wasm",
      connectionAnswers,
      (i) => cedarConnection(cedarCalls[i] as (typeof cedarCalls)[number]),
      describeConnection,
      slow,
    ),
    casbin: await checkAgreement(
      "casbin",
      connectionAnswers,
      (i) => casbinConnection(casbin.value, connections[i] as ConnectionQuery),
      describeConnection,
      slow,
    ),
  } as Record<string, number>;
  log(
    `connection answers agree (${describeChecked(checked)}); ${share(connectionAnswers)} allowed`,
  );

  const mask = CONNECTION_QUERIES - 1;
  const connectionContenders: Contender[] = [
    {
      name: "palisade",
      batch: (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          if (engine.connection(connections[i & mask] as ConnectionQuery).decision === "allow") {
            allows++;
          }
        }
        return allows;
      },
    },
    {
      name: "map floor",
      batch: (start, count) => {
        const table = floor.value.connections;
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          if (floorConnection(table, connections[i & mask] as ConnectionQuery)) allows++;
        }
        return allows;
      },
    },
    {
      name: "cedar-wasm",
      batch: (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          if (cedarConnection(cedarCalls[i & mask] as (typeof cedarCalls)[number])) allows++;
        }
        return allows;
      },
    },
    {
      name: "casbin",
      batch: (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          if (casbinConnection(casbin.value, connections[i & mask] as ConnectionQuery)) allows++;
        }
        return allows;
      },
    },
  ];
  const connectionPrefix = prefixOfAllows(connectionAnswers);
  const connectionTimings = await timeInterleaved(connectionContenders, {
    clock: "thread",
    rounds: settings.rounds,
    warmupRounds: settings.warmupRounds,
    roundMs: settings.roundMs,
    expectedAllows: (start, count) => allowsInRange(connectionPrefix, start, count),
  });
  rows.push(...toRows("connection", base, connectionTimings, loads, checked, connectionAnswers));
  logTimings(log, "connection", connectionTimings);

  // Requests with a small set of tokens used again and again.
  const requests = cachedRequestQueries(
    floor.value.requests,
    key,
    CACHED_TOKENS,
    REQUEST_QUERIES,
    createRandom(services * 11 + 3),
  );
  const palisadeRequests = requests.map(engineRequest);
  const requestDecisions: Decision[] = [];
  for (const query of palisadeRequests) requestDecisions.push(await engine.request(query));
  const requestAnswers = requestDecisions.map((decision) => decision.decision === "allow");
  const describeRequest = (index: number): string => {
    const q = requests[index] as RequestQuery;
    const d = requestDecisions[index] as Decision;
    return `request ${q.action} at ${q.destination}:${q.port} (palisade: ${reason(d)})`;
  };
  const requestChecked = {
    palisade: requests.length,
    "map floor": await checkAgreement(
      "map floor",
      requestAnswers,
      (i) => floorRequest(floor.value.requests, cache, requests[i] as RequestQuery),
      describeRequest,
      { ...fast, most: requests.length },
    ),
    "cedar-wasm": await checkAgreement(
      "cedar-wasm",
      requestAnswers,
      (i) => cedarRequest(cache, requests[i] as RequestQuery),
      describeRequest,
      slow,
    ),
    casbin: await checkAgreement(
      "casbin",
      requestAnswers,
      (i) => casbinRequest(casbin.value, cache, requests[i] as RequestQuery),
      describeRequest,
      slow,
    ),
  } as Record<string, number>;
  log(
    `request answers agree (${describeChecked(requestChecked)}); ${share(requestAnswers)} allowed`,
  );

  const requestMask = REQUEST_QUERIES - 1;
  const requestContenders: Contender[] = [
    {
      name: "palisade",
      batch: async (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          const query = palisadeRequests[i & requestMask] as ReturnType<typeof engineRequest>;
          if ((await engine.request(query)).decision === "allow") allows++;
        }
        return allows;
      },
    },
    {
      name: "map floor",
      batch: (start, count) => {
        const table = floor.value.requests;
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          if (floorRequest(table, cache, requests[i & requestMask] as RequestQuery)) allows++;
        }
        return allows;
      },
    },
    {
      name: "cedar-wasm",
      batch: (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          if (cedarRequest(cache, requests[i & requestMask] as RequestQuery)) allows++;
        }
        return allows;
      },
    },
    {
      name: "casbin",
      batch: (start, count) => {
        let allows = 0;
        for (let i = start; i < start + count; i++) {
          const query = requests[i & requestMask] as RequestQuery;
          if (casbinRequest(casbin.value, cache, query)) allows++;
        }
        return allows;
      },
    },
  ];
  const requestPrefix = prefixOfAllows(requestAnswers);
  const requestTimings = await timeInterleaved(requestContenders, {
    clock: "thread",
    rounds: settings.rounds,
    warmupRounds: settings.warmupRounds,
    roundMs: settings.roundMs,
    expectedAllows: (start, count) => allowsInRange(requestPrefix, start, count),
  });
  rows.push(
    ...toRows(
      "request (cached token)",
      base,
      requestTimings,
      loads,
      requestChecked,
      requestAnswers,
    ),
  );
  logTimings(log, "request (cached token)", requestTimings);

  rows.push(...(await runFresh(base, engine, floor.value.requests, key, settings)));
  await releaseCedar();

  return {
    rows,
    compile: {
      label: `${services} services`,
      generator: "bench mesh",
      services,
      rules: irRules,
      bytes,
      ms: compileMs,
      repetitions,
      heapAfterBytes: Number.NaN,
      retainedBytes: Number.NaN,
      smallestHeapMB: null,
    },
  };
}

async function releaseCedar(): Promise<void> {
  // Replacing the preparsed set with an empty one lets Cedar drop the large one.
  loadCedar({});
}
