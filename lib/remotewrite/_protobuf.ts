/**
 * Protobuf wire primitives shared by the WriteRequest encoder and decoder:
 * varints, UTF-8 sizing and writing with an ASCII fast path, and reading.
 *
 * @module
 */

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Counts the bytes `v` (a non-negative integer below 2^64 given as a number) takes
 * as a protobuf varint.
 *
 * @example
 * ```ts
 * varintSize(127); // 1
 * varintSize(300); // 2
 * varintSize(2 ** 32); // 5
 * ```
 */
export function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 4;
  v = Math.floor(v / 0x10000000);
  while (v >= 1) {
    n++;
    v = Math.floor(v / 128);
  }
  return n;
}

/**
 * Counts the bytes an int64 field value takes: negative values always take 10
 * (two's complement), others as {@linkcode varintSize}.
 *
 * @example
 * ```ts
 * int64Size(1700000000000); // 6
 * int64Size(-1); // 10
 * ```
 */
export function int64Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

/**
 * Writes a non-negative varint at `p`; returns the next position.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(10);
 * writeVarint(buf, 0, 300); // 2; buf starts with 0xac 0x02
 * ```
 */
export function writeVarint(buf: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v = v < 0x80000000 ? v >>> 7 : Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

/**
 * Writes an int64 varint at `p` (negative numbers as 10-byte two's complement);
 * returns the next position.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(10);
 * writeInt64(buf, 0, -1); // 10; buf is nine 0xff bytes then 0x01
 * ```
 */
export function writeInt64(buf: Uint8Array, p: number, v: number): number {
  if (v >= 0) return writeVarint(buf, p, v);
  let u = BigInt.asUintN(64, BigInt(Math.trunc(v)));
  while (u >= 0x80n) {
    buf[p++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[p++] = Number(u);
  return p;
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * True when the NaN `v` carries the staleness marker's payload: the exact bits
 * 0x7ff0000000000002, or the same with the quiet bit set (0x7ff8000000000002),
 * which is what V8 leaves after it "silences" the signaling NaN (double arrays,
 * some optimized code paths).
 *
 * @example
 * ```ts
 * isStaleMarker(STALE_NAN); // true
 * isStaleMarker(NaN); // false (an ordinary NaN)
 * isStaleMarker(1); // false
 * ```
 */
export function isStaleMarker(v: number): boolean {
  if (v === v) return false;
  scratch.setFloat64(0, v, true);
  return scratch.getUint32(0, true) === 2 &&
    (scratch.getUint32(4, true) & 0xfff7ffff) === 0x7ff00000;
}

/**
 * Writes a little-endian double at `p`; a staleness marker is written with its exact
 * bits (02 00 00 00 00 00 f0 7f) even if V8 quieted it on the way.
 *
 * @example
 * ```ts
 * const view = new DataView(new ArrayBuffer(8));
 * writeDouble(view, 0, STALE_NAN); // bytes: 02 00 00 00 00 00 f0 7f
 * ```
 */
export function writeDouble(view: DataView, p: number, v: number): void {
  if (v === v || !isStaleMarker(v)) {
    view.setFloat64(p, v, true);
    return;
  }
  view.setUint32(p, 2, true);
  view.setUint32(p + 4, 0x7ff00000, true);
}

/**
 * Counts the UTF-8 bytes of `s` without encoding it (lone surrogates count 3 bytes,
 * as TextEncoder writes U+FFFD for them).
 *
 * @example
 * ```ts
 * utf8Length("up"); // 2
 * utf8Length("héllo"); // 6
 * utf8Length("😀"); // 4
 * ```
 */
export function utf8Length(s: string): number {
  const n = s.length;
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      len += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const c2 = s.charCodeAt(i + 1);
      if (c2 >= 0xdc00 && c2 <= 0xdfff) {
        len += 2; // four bytes for two UTF-16 units
        i++;
      } else {
        len += 2;
      }
    } else {
      len += 2;
    }
  }
  return len;
}

/**
 * Writes `s` (whose UTF-8 length is `byteLen`, from {@linkcode utf8Length}) at `p`,
 * copying char codes directly when it is ASCII; returns the next position.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(8);
 * writeString(buf, 1, "hé", utf8Length("hé")); // 4; buf[1..4] = 68 c3 a9
 * ```
 */
export function writeString(buf: Uint8Array, p: number, s: string, byteLen: number): number {
  const n = s.length;
  if (byteLen === n) {
    for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
    return p + n;
  }
  textEncoder.encodeInto(s, buf.subarray(p, p + byteLen));
  return p + byteLen;
}

/**
 * Thrown when protobuf input is malformed; the message starts with
 * "cannot unmarshal WriteRequest: ".
 *
 * @example
 * ```ts
 * try {
 *   new Reader(new Uint8Array([0x80])).varint();
 * } catch (e) {
 *   e instanceof ProtobufError; // true; message "cannot unmarshal WriteRequest: unexpected end of data"
 * }
 * ```
 */
export class ProtobufError extends Error {
  constructor(reason: string) {
    super(`cannot unmarshal WriteRequest: ${reason}`);
    this.name = "ProtobufError";
  }
}

/**
 * A cursor over protobuf bytes that decodes varints, doubles, length-delimited
 * fields and strings, throwing {@linkcode ProtobufError} on truncated input.
 *
 * @example
 * ```ts
 * const r = new Reader(new Uint8Array([0xac, 0x02, 0x0a, 0x03, 0x61, 0x62, 0x63]));
 * r.varint(); // 300
 * r.varint(); // 10: field 1, wire type 2
 * const end = r.lengthDelimitedEnd(); // 7
 * r.string(r.pos, end); // "abc"
 * ```
 */
export class Reader {
  pos: number;
  readonly buf: Uint8Array;
  readonly end: number;
  readonly view: DataView;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads a varint of up to 64 bits as a number (exact below 2^53). */
  varint(): number {
    const buf = this.buf;
    let p = this.pos;
    let b = p < this.end ? buf[p++] : this.#eof();
    let v = b & 0x7f;
    if (b < 0x80) {
      this.pos = p;
      return v;
    }
    let mul = 128;
    for (let i = 1; i < 10; i++) {
      b = p < this.end ? buf[p++] : this.#eof();
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = p;
        return v;
      }
      mul *= 128;
    }
    throw new ProtobufError("varint is longer than 10 bytes");
  }

  /** Reads an int64 varint, keeping the sign of negative values. */
  int64(): number {
    const start = this.pos;
    const v = this.varint();
    if (v < 2 ** 63) return v;
    // Negative: re-read exactly with BigInt.
    let u = 0n;
    let shift = 0n;
    for (let p = start; p < this.pos; p++) {
      u |= BigInt(this.buf[p] & 0x7f) << shift;
      shift += 7n;
    }
    return Number(BigInt.asIntN(64, u));
  }

  /** Reads a little-endian double. */
  double(): number {
    if (this.pos + 8 > this.end) this.#eof();
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end position of that payload. */
  lengthDelimitedEnd(): number {
    const len = this.varint();
    const e = this.pos + len;
    if (e > this.end) throw new ProtobufError(`length ${len} runs past the end of the message`);
    return e;
  }

  /** Skips a field value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        if (this.pos + 8 > this.end) this.#eof();
        this.pos += 8;
        return;
      case 2:
        this.pos = this.lengthDelimitedEnd();
        return;
      case 5:
        if (this.pos + 4 > this.end) this.#eof();
        this.pos += 4;
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }

  /** Decodes the UTF-8 bytes [from, to) as a string. */
  string(from: number, to: number): string {
    const buf = this.buf;
    if (to - from <= 32) {
      let s = "";
      for (let i = from; i < to; i++) {
        const c = buf[i];
        if (c >= 0x80) return textDecoder.decode(buf.subarray(from, to));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return textDecoder.decode(buf.subarray(from, to));
  }

  #eof(): never {
    throw new ProtobufError("unexpected end of data");
  }
}
