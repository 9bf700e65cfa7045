import type { Source } from "@palisade/syntax";

/** Services per generated file. */
const SERVICES_PER_FILE = 100;

/**
 * A synthetic policy set in the DSL, for benchmarks and scale tests: `services` services named
 * `svc-00000`, ... spread over files of 100, one trust file (keys by URL, so nothing is read from
 * disk), and about `rulesPerService` rules per service (`services * rulesPerService` in all).
 *
 * Rules come in matching pairs (an egress allow at the source and an ingress rule at a random
 * destination), so the set is mostly consistent; a mix of named ports, ranges, both protocols,
 * scopes, conditions and denies gives the checks real work and a few warnings. The same
 * arguments always give the same sources.
 */
export function generatePolicySet(
  services: number,
  rulesPerService: number,
  seed: number,
): Source[] {
  if (!Number.isInteger(services) || services < 1) {
    throw new TypeError("generatePolicySet: `services` must be a positive integer");
  }
  if (!Number.isInteger(rulesPerService) || rulesPerService < 0) {
    throw new TypeError("generatePolicySet: `rulesPerService` must be a whole number");
  }
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const ids = Array.from({ length: services }, (_, i) => `svc-${String(i).padStart(5, "0")}`);
  const ingress: string[][] = ids.map(() => []);
  const egress: string[][] = ids.map(() => []);

  const target = services * rulesPerService;
  let rules = 0;
  for (let k = 0; rules < target; k++) {
    const from = k % services;
    const to = services === 1 ? from : (from + 1 + pick(services - 1)) % services;
    const source = ids[from] as string;
    const destination = ids[to] as string;
    const roll = random();

    let ports = "port 8080";
    let protocols = "";
    if (roll < 0.1) ports = "ports 9000..9010";
    else if (roll < 0.15) {
      ports = "port 53";
      protocols = " protocols udp, tcp";
    }
    const named = ports === "port 8080" && random() < 0.5 ? "port http" : ports;

    egress[from]?.push(`allow to ${destination} ${ports}${protocols}`);
    rules++;
    if (rules >= target) break;

    const extra = random();
    if (extra < 0.05) {
      ingress[to]?.push(`deny from ${source} port 9999`);
    } else if (extra < 0.15) {
      ingress[to]?.push(`allow from ${source} ${named}${protocols} scopes ${destination}:read`);
    } else if (extra < 0.2) {
      ingress[to]?.push(
        `allow from ${source} ${named}${protocols} when token.tenant == "t${pick(4)}"`,
      );
    } else {
      ingress[to]?.push(`allow from ${source} ${named}${protocols}`);
    }
    rules++;
  }

  const files: Source[] = [
    {
      file: "generated/trust.policy",
      text: [
        "trust {",
        '  issuer "https://idp.example.test"',
        "  algorithms ES256, RS256",
        '  keys url "https://idp.example.test/.well-known/jwks.json"',
        "  max-age 5m",
        "  clock-skew 30s",
        "}",
        "",
      ].join("\n"),
    },
  ];
  for (let start = 0; start < services; start += SERVICES_PER_FILE) {
    const blocks: string[] = [];
    for (let i = start; i < Math.min(start + SERVICES_PER_FILE, services); i++) {
      blocks.push(serviceText(ids[i] as string, ingress[i] ?? [], egress[i] ?? []));
    }
    const part = String(start / SERVICES_PER_FILE).padStart(4, "0");
    files.push({ file: `generated/part-${part}.policy`, text: blocks.join("\n") });
  }
  return files;
}

function serviceText(id: string, ingress: readonly string[], egress: readonly string[]): string {
  let text = `service ${id} {\n  port http 8080\n  port metrics 9090\n`;
  for (const [side, rules] of [
    ["ingress", ingress],
    ["egress", egress],
  ] as const) {
    if (rules.length === 0) continue;
    text += `\n  ${side} {\n`;
    for (const rule of rules) text += `    ${rule}\n`;
    text += "  }\n";
  }
  return `${text}}\n`;
}

/** A small seeded generator of numbers in [0, 1), so generated sets are reproducible. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
