/**
 * Deterministic mutations of DER certificates and CRLs for the corpus test: damage (truncation,
 * bit flips, wrong lengths, changed tags), BER forms DER forbids (indefinite and long-form
 * lengths, high-tag-number form, constructed strings, BOOLEAN true other than 0xFF), odd but
 * valid DER (zero, negative and huge serials, unknown versions, empty sequences), trailing bytes
 * and impossible or non-RFC 5280 times. Each mutation says what it did, so a failure names it.
 */
import { allPaths, at, clone, concat, encodeTree, parseTree, tlv, type DerNode } from "./der-tree";
import type { Rng } from "./random-certs";

export interface Mutant {
  name: string;
  der: Uint8Array;
  /** What the mutation means for a strict reader, when it knows (random damage does not). */
  expect?: "ber" | "time" | "trailing";
}

const PRIMITIVE_STRINGS = new Set([0x03, 0x04, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e]);

/** One mutant of `seed`; `kind` is "certificate" or "crl" (for the field paths). */
export function mutate(seedName: string, seed: Uint8Array, rng: Rng, kind: "certificate" | "crl"): Mutant {
  const tree = parseTree(seed);
  const paths = allPaths(tree).filter((p) => p.length > 0);
  const pick = () => rng.pick(paths);
  const withTree = (name: string, change: (t: DerNode) => void, expect?: Mutant["expect"]): Mutant => {
    const t = clone(tree);
    change(t);
    return { name: `${seedName}: ${name}`, der: encodeTree(t), expect };
  };
  const tbs = (t: DerNode) => at(t, [0]).children!;
  const versioned = (t: DerNode) => (kind === "certificate" ? (tbs(t)[0]!.tag === 0xa0 ? 1 : 0) : tbs(t)[0]!.tag === 0x02 ? 1 : 0);
  // where the times are: certificate validity (tbs[v + 3]), CRL thisUpdate (tbs[v + 2])
  const timeSlot = (t: DerNode): [DerNode[], number] =>
    kind === "certificate" ? [at(t, [0, versioned(t) + 3]).children!, rng.int(0, 1)] : [tbs(t), versioned(t) + 2];

  switch (rng.int(0, 17)) {
    case 0: {
      const cut = rng.int(1, seed.length - 1);
      return { name: `${seedName}: truncated to ${cut} bytes`, der: seed.slice(0, cut) };
    }
    case 1: {
      const der = seed.slice();
      const i = rng.int(0, der.length - 1);
      const bit = rng.int(0, 7);
      der[i]! ^= 1 << bit;
      return { name: `${seedName}: bit ${bit} of byte ${i} flipped`, der };
    }
    case 2: {
      const der = seed.slice();
      const i = rng.int(0, Math.min(der.length - 1, 40));
      der[i] = rng.int(0, 255);
      return { name: `${seedName}: header byte ${i} set to ${der[i]}`, der };
    }
    case 3: {
      // a length one too long or short, parents left as they were
      const path = pick();
      const delta = rng.chance(0.5) ? 1 : -1;
      const inner = encodeTree(at(tree, path));
      const offset = inner[1]! & 0x80 ? 1 + (inner[1]! & 0x7f) : 1;
      inner[offset] = (inner[offset]! + delta) & 0xff;
      return { name: `${seedName}: length of node ${path.join(".")} changed by ${delta}`, der: rawReplace(tree, path, inner) };
    }
    case 4:
      return withTree(
        "indefinite length",
        (t) => {
          const constructed = allPaths(t).filter((p) => at(t, p).children);
          at(t, rng.pick(constructed)).lengthForm = "indefinite";
        },
        "ber",
      );
    case 5:
      // on a node shorter than 128 octets, where DER's one-octet length is the only right form
      return withTree(
        "long-form length",
        (t) => (at(t, rng.pick(allPaths(t).filter((p) => encodeTree(at(t, p)).length < 120))).lengthForm = "long"),
        "ber",
      );
    case 6:
      return withTree("high-tag-number form", (t) => (at(t, pick()).highTagForm = true), "ber");
    case 7:
      return withTree(
        "constructed string",
        (t) => {
          const strings = allPaths(t).filter((p) => p.length > 0 && PRIMITIVE_STRINGS.has(at(t, p).tag));
          const path = rng.pick(strings);
          const n = at(t, path);
          const v = n.value!;
          const split = rng.int(0, v.length);
          // X.690 8.21 (BIT STRING 8.6.4): the segments carry the primitive type's tag
          const pieces =
            n.tag === 0x03
              ? [tlv(0x03, concat([new Uint8Array([0]), v.subarray(1)]))]
              : [tlv(n.tag, v.subarray(0, split)), tlv(n.tag, v.subarray(split))];
          if (n.tag === 0x03) pieces[0]!.value![0] = v[0]!;
          at(t, path.slice(0, -1)).children![path[path.length - 1]!] = { tag: n.tag | 0x20, children: pieces };
        },
        "ber",
      );
    case 8:
      return withTree("tag changed", (t) => {
        const n = at(t, pick());
        n.tag = rng.pick([0x02, 0x04, 0x05, 0x0c, 0x13, 0x30, 0x31, 0x80, 0xa0, 0xa3]);
      });
    case 9: {
      const serial = rng.pick([[0], [0xff], [0x80, 0, 0], [1, ...Array.from({ length: 24 }, () => rng.int(0, 255))], [0, 1], [0xff, 0x80]]);
      return withTree(`serial ${Buffer.from(serial).toString("hex")}`, (t) => {
        if (kind === "certificate") tbs(t)[versioned(t)] = tlv(0x02, serial);
        else {
          const revoked = tbs(t).find((n, i) => i > versioned(t) + 2 && n.tag === 0x30 && n.children?.[0]?.children);
          if (revoked) revoked.children![0]!.children![0] = tlv(0x02, serial);
        }
      });
    }
    case 10: {
      const version = rng.pick([0, 1, 2, 3, 5, 255]);
      return withTree(`version ${version}`, (t) => {
        if (kind === "certificate") {
          const node: DerNode = { tag: 0xa0, children: [tlv(0x02, [version])] };
          if (versioned(t)) tbs(t)[0] = node;
          else tbs(t).unshift(node);
        } else if (versioned(t)) tbs(t)[0] = tlv(0x02, [version]);
        else tbs(t).unshift(tlv(0x02, [version]));
      });
    }
    case 11:
      return withTree("a sequence emptied", (t) => {
        const seqs = allPaths(t).filter((p) => p.length > 1 && at(t, p).children && at(t, p).tag === 0x30);
        at(t, rng.pick(seqs)).children = [];
      });
    case 12: {
      const extra = rng.pick([new Uint8Array([0]), new Uint8Array([5, 0]), seed.subarray(0, 10), new Uint8Array(Buffer.from("\n"))]);
      return { name: `${seedName}: ${extra.length} bytes appended`, der: concat([seed, extra]), expect: "trailing" };
    }
    case 13:
    case 14: {
      const text = rng.pick([
        "150836072035Z",
        "001239691176Z",
        "151306000000Z",
        "150229000000Z",
        "150806240000Z",
        "150806000060Z",
        "1508060720Z",
        "150806072035+0100",
        "150806072035",
      ]);
      const general = rng.pick(["20150836072035Z", "20150806072035.5Z", "201508060720Z", "20150806072035-0130", "21000229000000Z"]);
      const utc = rng.chance(0.6);
      return withTree(
        `time ${utc ? text : general}`,
        (t) => {
          const [list, i] = timeSlot(t);
          list[i] = tlv(utc ? 0x17 : 0x18, Buffer.from(utc ? text : general, "latin1"));
        },
        "time",
      );
    }
    case 15:
      return withTree(
        "BOOLEAN true as 0x01",
        (t) => {
          const bools = allPaths(t).filter((p) => at(t, p).tag === 0x01);
          if (bools.length) at(t, rng.pick(bools)).value = new Uint8Array([rng.int(1, 0xfe)]);
          else at(t, [1]).lengthForm = "long"; // no BOOLEAN here: a long-form length instead
        },
        "ber",
      );
    case 16:
      return withTree("garbage extension value", (t) => {
        const octets = allPaths(t).filter((p) => at(t, p).tag === 0x04 && p.length > 3);
        if (octets.length) at(t, rng.pick(octets)).value = new Uint8Array(Array.from({ length: rng.int(0, 12) }, () => rng.int(0, 255)));
      });
    default:
      return withTree("a field removed", (t) => {
        const list = tbs(t);
        list.splice(rng.int(0, list.length - 1), 1);
      });
  }
}

/** Replaces the encoding of the node at `path` with `inner` bytes, fixing only the enclosing lengths. */
function rawReplace(tree: DerNode, path: number[], inner: Uint8Array): Uint8Array {
  const t = clone(tree);
  const parent = at(t, path.slice(0, -1));
  parent.children![path[path.length - 1]!] = { tag: -1, value: inner };
  const encode = (n: DerNode): Uint8Array => {
    if (n.tag === -1) return n.value!;
    const content = n.children ? concat(n.children.map(encode)) : n.value!;
    return encodeTree({ tag: n.tag, value: content });
  };
  return encode(t);
}
