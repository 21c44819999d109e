/** PostgreSQL's type OID of `real` (float4); fixed by the server, unlike pgvector's `vector`. */
const FLOAT4_OID = 700;
const HEADER_BYTES = 20;
/** Each element: its byte length (int32), then the big-endian float. */
const ELEMENT_BYTES = 8;

/**
 * All the vectors, one after another, as one `real[]` parameter in PostgreSQL's binary array
 * format. node-postgres sends a Buffer parameter in binary, so the server reads each float as four
 * bytes. The text form (`[0.0123,...]`) made PostgreSQL parse 384 decimal numbers per vector,
 * which cost it more CPU than the rest of the write without the HNSW insert.
 */
export function float4ArrayParam(vectors: readonly Float32Array[]): Buffer {
  let count = 0;
  for (const vector of vectors) count += vector.length;
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + count * ELEMENT_BYTES);
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(0, 4); // no NULL elements
  buffer.writeUInt32BE(FLOAT4_OID, 8);
  buffer.writeInt32BE(count, 12); // length of the one dimension
  buffer.writeInt32BE(1, 16); // lower bound
  let offset = HEADER_BYTES;
  for (const vector of vectors) {
    for (let i = 0; i < vector.length; i++) {
      buffer.writeInt32BE(4, offset);
      buffer.writeFloatBE(vector[i]!, offset + 4);
      offset += ELEMENT_BYTES;
    }
  }
  return buffer;
}
