/** A chunk's metadata: any JSON object. The server keeps it as it was posted. */
export type Metadata = Readonly<Record<string, unknown>>;
