// The data layer of training outside .NET, for Node and browsers alike (no dependency; Web
// Crypto and DecompressionStream are in both): LeNetOnnx checkpoints (format version 1, SHA-256
// verified), gzip IDX files, and the seeded per-epoch shuffle of ShuffleOrder, bit for bit.
//
// Run from the command line it checks these against C# (tests/Parity.Tests/JavaScriptDataTests):
//   node tools/node/lenet_data.mjs order COUNT SEED EPOCH OUT.bin      int32 order, little-endian
//   node tools/node/lenet_data.mjs checkpoint IN.lnck OUT.lnck [STEP]   read, set step, write back
//   node tools/node/lenet_data.mjs idx IN.gz OUT.bin                    the payload after the header

const MAGIC = "LENETCKP";
const VERSION = 1;
const DIGEST = 32;
const MASK64 = (1n << 64n) - 1n;

/** An error meant for the user: one line, no stack trace. */
export class DataError extends Error {}

/** SplitMix64, as SeededRandom in C#. */
export class SeededRandom {
  constructor(seed) { this.state = BigInt.asUintN(64, BigInt(seed)); }

  next() {
    this.state = (this.state + 0x9E3779B97F4A7C15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** A uniform integer in [0, bound) by Lemire's method, as ShuffleOrder.NextBelow. */
  below(bound) {
    const range = BigInt(bound);
    let product = this.next() * range;
    let low = product & MASK64;
    if (low < range) {
      const threshold = ((1n << 64n) - range) % range;
      while (low < threshold) {
        product = this.next() * range;
        low = product & MASK64;
      }
    }
    return Number(product >> 64n);
  }
}

/** The order of `count` examples in `epoch`: ShuffleOrder.ForEpoch(count, seed, epoch). */
export function epochOrder(count, seed, epoch) {
  const epochMix = new SeededRandom(BigInt(epoch)).next();
  const random = new SeededRandom(new SeededRandom(BigInt.asUintN(64, BigInt(seed)) ^ epochMix).next());
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

async function sha256(bytes) {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
}

/** SHA-256 in lowercase hex. */
export async function sha256Hex(bytes) {
  return Array.from(await sha256(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads a checkpoint: { header (its JSON, key order kept), tensors: [{ name, kind, shape, data: Float32Array }] }. */
export async function readCheckpoint(bytes, source = "checkpoint") {
  const text = new TextDecoder();
  if (bytes.length < 16 + DIGEST || text.decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new DataError(`${source} is not a LeNetOnnx checkpoint (it does not start with "LENETCKP")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw new DataError(`${source} has checkpoint format version ${version}; this reads version ${VERSION}`);
  const body = bytes.subarray(0, bytes.length - DIGEST);
  const digest = await sha256(body);
  if (!digest.every((b, i) => b === bytes[body.length + i])) {
    throw new DataError(`${source} is corrupt or truncated: its SHA-256 checksum does not match its contents`);
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > body.length - 16) throw new DataError(`${source}: the header length ${headerLength} runs past the end of the file`);
  let header;
  try {
    header = JSON.parse(text.decode(bytes.subarray(16, 16 + headerLength)));
  } catch (error) {
    throw new DataError(`${source}: the header is not JSON (${error.message})`);
  }
  const dataStart = 16 + headerLength;
  const tensors = (header.tensors ?? []).map((t) => {
    const start = dataStart + Number(t.offset);
    const end = start + Number(t.count) * 4;
    if (!Number.isSafeInteger(start) || end > body.length || t.shape.reduce((n, d) => n * d, 1) !== t.count) {
      throw new DataError(`${source}: tensor '${t.name}' does not fit the file`);
    }
    const data = new Float32Array(t.count);
    const tensorView = new DataView(bytes.buffer, bytes.byteOffset + start, t.count * 4);
    for (let k = 0; k < t.count; k++) data[k] = tensorView.getFloat32(k * 4, true);
    return { name: t.name, kind: t.kind, shape: t.shape, data };
  });
  return { header, tensors };
}

/** Writes a checkpoint as CheckpointFile.Serialize does: offsets and counts from the tensors, then the SHA-256. */
export async function writeCheckpoint({ header, tensors }) {
  let offset = 0;
  const entries = tensors.map((t) => {
    const entry = { name: t.name, kind: t.kind, shape: t.shape, offset, count: t.data.length };
    offset += t.data.length * 4;
    return entry;
  });
  const headerBytes = new TextEncoder().encode(JSON.stringify({ ...header, tensors: entries }));
  const bodyLength = 16 + headerBytes.length + offset;
  const bytes = new Uint8Array(bodyLength + DIGEST);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  bytes.set(headerBytes, 16);
  let at = 16 + headerBytes.length;
  for (const t of tensors) {
    for (let k = 0; k < t.data.length; k++, at += 4) view.setFloat32(at, t.data[k], true);
  }
  bytes.set(await sha256(bytes.subarray(0, bodyLength)), bodyLength);
  return bytes;
}

/**
 * An IDX file, gzip-compressed or raw: { shape (images: count, rows, columns; labels: count),
 * data (the payload after the header), contentSha256 (of the decompressed file, as C#'s DataSetFile) }.
 */
export async function readIdx(file, source = "IDX file") {
  let bytes = file;
  if (file.length >= 2 && file[0] === 0x1f && file[1] === 0x8b) {
    try {
      const stream = new Blob([file]).stream().pipeThrough(new DecompressionStream("gzip"));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (error) {
      throw new DataError(`${source} is not complete gzip data (${error.message})`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= 8 ? view.getUint32(0, false) : 0;
  const dims = magic === 2051 ? 3 : magic === 2049 ? 1 : 0;
  if (dims === 0) throw new DataError(`${source}: magic ${magic}, expected 2051 (images) or 2049 (labels)`);
  const shape = Array.from({ length: dims }, (_, k) => view.getUint32(4 + (k * 4), false));
  const payload = bytes.subarray(4 + (dims * 4));
  if (payload.length !== shape.reduce((n, d) => n * d, 1)) throw new DataError(`${source}: ${payload.length} bytes after the header, its shape needs ${shape.reduce((n, d) => n * d, 1)}`);
  return { shape, data: payload, contentSha256: await sha256Hex(bytes) };
}

async function main(args) {
  const fs = await import("node:fs");
  const [command, ...rest] = args;
  if (command === "order" && rest.length === 4) {
    const order = epochOrder(Number(rest[0]), BigInt(rest[1]), Number(rest[2]));
    fs.writeFileSync(rest[3], new Uint8Array(order.buffer));
  } else if (command === "checkpoint" && (rest.length === 2 || rest.length === 3)) {
    const checkpoint = await readCheckpoint(new Uint8Array(fs.readFileSync(rest[0])), rest[0]);
    if (rest.length === 3) checkpoint.header.step = Number(rest[2]);
    fs.writeFileSync(rest[1], await writeCheckpoint(checkpoint));
  } else if (command === "idx" && rest.length === 2) {
    const { data } = await readIdx(new Uint8Array(fs.readFileSync(rest[0])), rest[0]);
    fs.writeFileSync(rest[1], data);
  } else {
    console.error("usage: node lenet_data.mjs order COUNT SEED EPOCH OUT | checkpoint IN OUT [STEP] | idx IN OUT");
    process.exit(2);
  }
}

if (typeof process !== "undefined" && import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`lenet_data: ${error instanceof DataError ? error.message : error.stack}`);
    process.exit(1);
  });
}
