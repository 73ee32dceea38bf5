/**
 * A small DER tree for tests: parse an encoding into nodes, change them, and encode again with
 * every enclosing length fixed up. Each node can ask for an encoding DER forbids (indefinite or
 * long-form length, high-tag-number form), which is how the corpus test makes BER variants.
 */
export interface DerNode {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** Present for constructed nodes that were parsed (or built) as children. */
  children?: DerNode[];
  /** The contents of a primitive node (or of a constructed one kept opaque). */
  value?: Uint8Array;
  /** How to write the length: DER's minimal form unless asked otherwise. */
  lengthForm?: "indefinite" | "long";
  /** Write the tag number in the multi-octet form DER reserves for numbers >= 31. */
  highTagForm?: boolean;
}

function readHeader(bytes: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error("der-tree reads low tag numbers only");
  let pos = offset + 1;
  let length = bytes[pos++]!;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos++]!;
  }
  if (pos + length > bytes.length) throw new Error("der-tree: truncated input");
  return { tag, start: pos, end: pos + length };
}

/** Parses DER; constructed nodes get children, so any level can be edited. */
export function parseTree(bytes: Uint8Array, offset = 0): DerNode {
  const { tag, start, end } = readHeader(bytes, offset);
  if (!(tag & 0x20)) return { tag, value: bytes.slice(start, end) };
  const children: DerNode[] = [];
  let pos = start;
  while (pos < end) {
    children.push(parseTree(bytes.subarray(0, end), pos));
    pos = readHeader(bytes, pos).end;
  }
  return { tag, children };
}

export function encodeLength(n: number, long = false): number[] {
  if (n < 0x80 && !long) return [n];
  const octets: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
  if (octets.length === 0) octets.push(0);
  return [0x80 | octets.length, ...octets];
}

/** Encodes a node (and its children) with the length and tag forms each node asks for. */
export function encodeTree(node: DerNode): Uint8Array {
  const content = node.children ? concat(node.children.map(encodeTree)) : (node.value ?? new Uint8Array());
  const number = node.tag & 0x1f;
  const identifier = node.highTagForm ? [(node.tag & 0xe0) | 0x1f, number] : [node.tag];
  if (node.lengthForm === "indefinite") return concat([new Uint8Array([...identifier, 0x80]), content, new Uint8Array([0, 0])]);
  return concat([new Uint8Array([...identifier, ...encodeLength(content.length, node.lengthForm === "long")]), content]);
}

export function tlv(tag: number, value: Uint8Array | number[]): DerNode {
  return { tag, value: value instanceof Uint8Array ? value : new Uint8Array(value) };
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The node at a path of child indexes ([0, 4, 1] = tbs, validity, notAfter in a certificate). */
export function at(root: DerNode, path: number[]): DerNode {
  let node = root;
  for (const i of path) {
    const next = node.children?.[i];
    if (!next) throw new Error(`der-tree: no node at ${path.join(".")}`);
    node = next;
  }
  return node;
}

/** Every path in the tree, depth first, for mutations that pick a node at random. */
export function allPaths(root: DerNode, prefix: number[] = []): number[][] {
  const out = [prefix];
  root.children?.forEach((child, i) => out.push(...allPaths(child, [...prefix, i])));
  return out;
}

export function clone(node: DerNode): DerNode {
  return { ...node, children: node.children?.map(clone), value: node.value?.slice() };
}
