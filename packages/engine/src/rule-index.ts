import type { Decision, Ir, Protocol, Rule, RuleRef, Service } from "@palisade/ir";
import { allowedBy, deniedBy, freezeRuleRef, NO_MATCH, type Side } from "./decisions.ts";

/** Protocols in index order: a protocol's position is its number in the index. */
export const PROTOCOLS: readonly Protocol[] = ["tcp", "udp"];

/** Sides in index order. */
const SIDES: readonly Side[] = ["ingress", "egress"];

/** The number of a side in the index. */
export const INGRESS = 0;
/** The number of a side in the index. */
export const EGRESS = 1;

/** A rule of one service side, with its reference and its decision built once at load. */
export interface IndexedRule {
  /** Position in its side's rule list. */
  readonly index: number;
  /**
   * Position when the side's rules are ordered as written (file, line, column, then id).
   * Of several matching rules the lowest rank is reported, so the IR's order never matters.
   */
  readonly rank: number;
  readonly side: Side;
  readonly rule: Rule;
  readonly ref: RuleRef;
  /** For an allow rule: the decision it grants. For a deny rule: the deny it gives. */
  readonly decision: Decision;
}

/** The rules that match on a run of ports, for one caller. */
export interface Segment {
  /** The decision without a token: a deny matches; an allow with a condition grants nothing. */
  readonly l4: Decision;
  readonly denies: readonly IndexedRule[];
  readonly allows: readonly IndexedRule[];
}

/** A defined service and its rules, for request conditions and for `explain`. */
export interface ServiceIndex {
  readonly service: Service;
  readonly ingressRules: readonly IndexedRule[];
  readonly egressRules: readonly IndexedRule[];
}

/**
 * A policy set laid out for the hot path, in one `Int32Array`.
 *
 * - Every id the policy names (services and peers) maps to the offset of its header in `data`:
 *   four block offsets, for (ingress, egress) x (tcp, udp).
 * - A side block is `n, (peer, table) * n, others, tables...`: peers are header offsets in
 *   ascending order; `others` serves every peer not listed (only `any` rules apply to those).
 * - A port table is `m, (firstPort, verdict) * m`, first ports ascending from 1, each run
 *   lasting until the next starts. A verdict is `segment * 4 + kind`, kind 0 for no match,
 *   1 for a matching deny and 2 for an allow, so two ends combine without reading objects.
 *
 * Why this shape: with thousands of services a decision is bound by memory misses, and each
 * pointer to a small object costs one. A service's header sits right before its own blocks,
 * so one side usually costs a line or two of `data`, and only the returned decision is read.
 */
export interface PolicyIndex {
  readonly ids: ReadonlyMap<string, number>;
  readonly data: Int32Array;
  /** Defined services by id, for requests and `explain`. */
  readonly services: ReadonlyMap<string, ServiceIndex>;
  readonly segments: readonly Segment[];
  /** `segments[i].l4`, kept apart so the hot path reads one array, not one object more. */
  readonly l4: readonly Decision[];
}

const MAX_PORT = 65535;
const KIND_NO_MATCH = 0;
const KIND_DENY = 1;
const KIND_ALLOW = 2;

/** The service a name defines, if any. */
export function serviceNamed(index: PolicyIndex, name: string): ServiceIndex | undefined {
  return index.services.get(name);
}

/**
 * The verdict (`segment * 4 + kind`) for `peer` on `port` in the side table of `owner`; both
 * are header offsets, or -1 for a name the policy never mentions. Allocates nothing.
 */
export function findVerdict(
  data: Int32Array,
  side: number,
  owner: number,
  peer: number,
  port: number,
  protocol: number,
): number {
  if (owner < 0) return side * 4 + KIND_NO_MATCH;
  const at = data[owner + side * 2 + protocol] as number;
  const peers = data[at] as number;
  let table = data[at + 1 + 2 * peers] as number;

  if (peer >= 0) {
    let low = 0;
    let high = peers - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const found = data[at + 1 + 2 * middle] as number;
      if (found === peer) {
        table = data[at + 2 + 2 * middle] as number;
        break;
      }
      if (found < peer) low = middle + 1;
      else high = middle - 1;
    }
  }

  let low = 0;
  let high = (data[table] as number) - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((data[table + 1 + 2 * middle] as number) <= port) low = middle;
    else high = middle - 1;
  }
  return data[table + 2 + 2 * low] as number;
}

/**
 * Combines the verdicts of the two ends of a connection the way `combineEnds` combines
 * decisions, and returns the segment whose decision stands.
 */
export function combineVerdicts(egress: number, ingress: number): number {
  const egressKind = egress & 3;
  if (egressKind === KIND_ALLOW) return ingress >> 2;
  const ingressKind = ingress & 3;
  if (ingressKind === KIND_ALLOW) return egress >> 2;
  if (egressKind !== KIND_DENY && ingressKind === KIND_DENY) return ingress >> 2;
  return egress >> 2;
}

/**
 * Builds the decision index of a validated IR. Returns a message instead when the IR names a
 * service twice, since which definition applies would then be a guess.
 */
export function buildIndex(ir: Ir): { index: PolicyIndex } | { error: string } {
  const services = new Map<string, ServiceIndex>();
  for (const service of ir.services) {
    if (services.has(service.id)) {
      return { error: `the compiled policy defines service \`${service.id}\` twice` };
    }
    services.set(service.id, {
      service,
      ingressRules: indexRules(service.ingress, "ingress"),
      egressRules: indexRules(service.egress, "egress"),
    });
  }

  // Numbers first (services, then names only seen as peers); header offsets come later.
  const numbers = new Map<string, number>();
  for (const id of services.keys()) numbers.set(id, numbers.size);
  for (const service of ir.services) {
    for (const rule of [...service.ingress, ...service.egress]) {
      const peers = rule.peers;
      for (const id of peers.kind === "services" ? peers.ids : peers.except) {
        if (!numbers.has(id)) numbers.set(id, numbers.size);
      }
    }
  }

  const builder = new IndexBuilder([...numbers.keys()], numbers);
  const blocks = [...services.values()].map((entry) => builder.serviceBlocks(entry));
  const { data, headers } = layOut(blocks, numbers.size);

  const ids = new Map<string, number>();
  for (const [name, number] of numbers) ids.set(name, headers[number] as number);
  const index: PolicyIndex = {
    ids,
    data,
    services,
    segments: builder.segments,
    l4: builder.segments.map((segment) => segment.l4),
  };
  return { index };
}

function indexRules(rules: readonly Rule[], side: Side): IndexedRule[] {
  const written = rules.map((_, index) => index).sort((a, b) => compareWritten(rules[a], rules[b]));
  const ranks: number[] = [];
  written.forEach((index, rank) => {
    ranks[index] = rank;
  });
  return rules.map((rule, index) => {
    const ref = freezeRuleRef(rule.id, rule.span);
    const decision = rule.effect === "allow" ? allowedBy(ref, side) : deniedBy(ref, side);
    return Object.freeze({ index, rank: ranks[index] as number, side, rule, ref, decision });
  });
}

/** Orders rules as written: by file, line, column, then id. */
function compareWritten(a: Rule | undefined, b: Rule | undefined): number {
  if (a === undefined || b === undefined) return 0;
  const order = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    order(a.span.file, b.span.file) ||
    order(a.span.line, b.span.line) ||
    order(a.span.column, b.span.column) ||
    order(a.id, b.id)
  );
}

/** Sorts rules into reporting order (see `IndexedRule.rank`). */
export function byRank(a: IndexedRule, b: IndexedRule): number {
  return a.rank - b.rank;
}

/**
 * A service's four blocks before layout: `slots[side * 2 + protocol]` indexes `blocks`; peers
 * in blocks are still numbers, and offsets are relative to the block's start.
 */
interface ServiceBlocks {
  readonly slots: readonly number[];
  readonly blocks: readonly (readonly number[])[];
}

/** The two shared empty blocks (ingress, egress): no peers, every port is no match. */
const EMPTY_BLOCKS: readonly (readonly number[])[] = [0, 1].map((side) => [
  0,
  2,
  1,
  1,
  side * 4 + KIND_NO_MATCH,
]);

/**
 * Writes the empty blocks, then for each service its header followed by its blocks, then a
 * header for every peer-only name (pointing at the empty blocks). Peer numbers become header
 * offsets; since both grow with the number, peers stay sorted.
 */
function layOut(
  services: readonly ServiceBlocks[],
  count: number,
): { data: Int32Array; headers: number[] } {
  const headers: number[] = [];
  let size = EMPTY_BLOCKS.reduce((total, block) => total + block.length, 0);
  for (const entry of services) {
    headers.push(size);
    size += 4 + entry.blocks.reduce((total, block) => total + block.length, 0);
  }
  while (headers.length < count) {
    headers.push(size);
    size += 4;
  }

  const data = new Int32Array(size);
  let at = 0;
  const write = (block: readonly number[], peerFields: boolean): number => {
    const start = at;
    const peers = block[0] as number;
    for (let field = 0; field < block.length; field++) {
      const value = block[field] as number;
      const isPeer = peerFields && field > 0 && field <= 2 * peers && field % 2 === 1;
      const isOffset =
        field === 1 + 2 * peers || (field > 0 && field <= 2 * peers && field % 2 === 0);
      data[at++] = isPeer ? (headers[value] as number) : isOffset ? value + start : value;
    }
    return start;
  };
  const empty = EMPTY_BLOCKS.map((block) => write(block, false));
  for (const entry of services) {
    const header = at;
    at += 4;
    const starts = entry.blocks.map((block) => write(block, true));
    entry.slots.forEach((block, slot) => {
      data[header + slot] = starts[block] as number;
    });
  }
  while (at < size) {
    data.set([empty[0], empty[0], empty[1], empty[1]] as number[], at);
    at += 4;
  }
  return { data, headers };
}

/** Builds blocks and segments, sharing equal segments of a side and equal blocks of a service. */
class IndexBuilder {
  /** Segments 0 and 1 are the empty ones of ingress and egress (no rule matches). */
  readonly segments: Segment[] = SIDES.map((side) =>
    Object.freeze({ l4: NO_MATCH[side], denies: [], allows: [] }),
  );
  private readonly kinds: number[] = [KIND_NO_MATCH, KIND_NO_MATCH];
  private readonly segmentNumbers = new Map<string, number>();

  /** `names[number]` is the name with that number. */
  constructor(
    private readonly names: readonly string[],
    private readonly numbers: ReadonlyMap<string, number>,
  ) {}

  serviceBlocks(entry: ServiceIndex): ServiceBlocks {
    const owner = this.numbers.get(entry.service.id) as number;
    const blocks: number[][] = [];
    const known = new Map<string, number>();
    const slots: number[] = [];
    for (let side = 0; side < 2; side++) {
      const rules = side === INGRESS ? entry.ingressRules : entry.egressRules;
      for (let protocol = 0; protocol < 2; protocol++) {
        const block = this.sideBlock(owner, side, protocol, rules);
        const key = block.join(",");
        let number = known.get(key);
        if (number === undefined) {
          number = blocks.length;
          blocks.push(block);
          known.set(key, number);
        }
        slots.push(number);
      }
    }
    return { slots, blocks };
  }

  private sideBlock(
    owner: number,
    side: number,
    protocol: number,
    all: readonly IndexedRule[],
  ): number[] {
    const name = PROTOCOLS[protocol] as Protocol;
    const rules = all.filter((entry) => entry.rule.protocols.includes(name)).sort(byRank);
    const anyRules = rules.filter((entry) => entry.rule.peers.kind === "any").sort(byRank);

    // Rules by the peers they name; a peer named only in an `except` needs its own table too.
    const named = new Map<number, IndexedRule[]>();
    for (const entry of rules) {
      const peers = entry.rule.peers;
      for (const id of peers.kind === "services" ? peers.ids : peers.except) {
        const number = this.numbers.get(id) as number;
        const list = named.get(number) ?? [];
        if (peers.kind === "services" && list.at(-1) !== entry) list.push(entry);
        named.set(number, list);
      }
    }

    const excepted = anyRules.map((entry) => {
      const peers = entry.rule.peers;
      return new Set(peers.kind === "any" ? peers.except : []);
    });
    const block = new SideBlock();
    const runsBySet = new Map<string, number>();
    const tableFor = (applicable: readonly IndexedRule[]): number => {
      const key = applicable.map((entry) => entry.rank).join(",");
      let table = runsBySet.get(key);
      if (table === undefined) {
        table = block.table(this.portRuns(owner, side, applicable));
        runsBySet.set(key, table);
      }
      return table;
    };
    const pairs: number[] = [];
    for (const peer of [...named.keys()].sort((a, b) => a - b)) {
      const peerName = this.names[peer] as string;
      const applicable = (named.get(peer) as IndexedRule[]).concat(
        anyRules.filter((_, at) => !excepted[at]?.has(peerName)),
      );
      applicable.sort(byRank);
      pairs.push(peer, tableFor(applicable));
    }
    const others = tableFor(anyRules);
    return block.assemble(pairs, others);
  }

  /**
   * Cuts the port space at every range boundary of `applicable`, finds the verdict of the
   * rules covering each run, and merges neighbouring runs with the same verdict.
   */
  private portRuns(owner: number, side: number, applicable: readonly IndexedRule[]): number[] {
    const cuts = new Set<number>([1]);
    for (const entry of applicable) {
      for (const [from, to] of entry.rule.ports) {
        cuts.add(from);
        if (to < MAX_PORT) cuts.add(to + 1);
      }
    }
    const points = [...cuts].sort((a, b) => a - b);
    const position = new Map(points.map((point, at) => [point, at]));

    const covering: IndexedRule[][] = points.map(() => []);
    for (const entry of applicable) {
      for (const [from, to] of entry.rule.ports) {
        const first = position.get(from) as number;
        const last = to < MAX_PORT ? (position.get(to + 1) as number) - 1 : points.length - 1;
        for (let at = first; at <= last; at++) {
          const list = covering[at] as IndexedRule[];
          if (list.at(-1) !== entry) list.push(entry);
        }
      }
    }

    const runs: number[] = [];
    let previous = -1;
    for (let at = 0; at < points.length; at++) {
      const verdict = this.verdict(owner, side, covering[at] as IndexedRule[]);
      if (verdict === previous) continue;
      previous = verdict;
      runs.push(points[at] as number, verdict);
    }
    return runs;
  }

  private verdict(owner: number, side: number, rules: readonly IndexedRule[]): number {
    if (rules.length === 0) return side * 4 + KIND_NO_MATCH;
    const key = `${owner}:${side}:${rules.map((entry) => entry.rank).join(",")}`;
    let number = this.segmentNumbers.get(key);
    if (number === undefined) {
      const denies = rules.filter((entry) => entry.rule.effect === "deny");
      const allows = rules.filter((entry) => entry.rule.effect === "allow");
      const unconditional = allows.find((entry) => entry.rule.when === null);
      const deny = denies[0];
      const l4 = deny?.decision ?? unconditional?.decision ?? NO_MATCH[SIDES[side] as Side];
      number = this.segments.length;
      this.segments.push(
        Object.freeze({ l4, denies: Object.freeze(denies), allows: Object.freeze(allows) }),
      );
      this.kinds.push(deny ? KIND_DENY : unconditional ? KIND_ALLOW : KIND_NO_MATCH);
      this.segmentNumbers.set(key, number);
    }
    return number * 4 + (this.kinds[number] as number);
  }
}

/**
 * One side block with its port tables right behind its peer list. Offsets inside a block are
 * relative to its start until it is laid out.
 */
class SideBlock {
  private readonly tables: number[] = [];
  private readonly tableAt = new Map<string, number>();

  /** Adds a port table (`firstPort, verdict` pairs), shared within the block; its offset. */
  table(runs: readonly number[]): number {
    const key = runs.join(",");
    const known = this.tableAt.get(key);
    if (known !== undefined) return known;
    const offset = this.tables.length;
    this.tables.push(runs.length >> 1);
    for (const value of runs) this.tables.push(value);
    this.tableAt.set(key, offset);
    return offset;
  }

  /** The block: `n, (peer, table) * n, others`, then the tables. */
  assemble(pairs: readonly number[], others: number): number[] {
    const header = pairs.length + 2;
    const block = [pairs.length >> 1];
    for (let at = 0; at < pairs.length; at += 2) {
      block.push(pairs[at] as number, (pairs[at + 1] as number) + header);
    }
    block.push(others + header);
    for (const value of this.tables) block.push(value);
    return block;
  }
}
