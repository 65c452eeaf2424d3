// The classic builder's progress stream (POST /build): one JSON message per line, such as
// {"stream":"Step 1/4 : FROM scratch\n"}, {"aux":{"ID":"sha256:..."}} or {"error":"...","errorDetail":{...}}.

/** A `docker build` that the daemon reported as failed. */
export class ImageBuildError extends Error {
  override readonly name = 'ImageBuildError';
  constructor(
    readonly image: string,
    readonly detail: string,
    readonly buildLog: string,
  ) {
    super(`building ${image} failed: ${detail}\n${buildLog}`);
  }
}

export interface BuildResult {
  /** The builder's text output, concatenated. */
  log: string;
  /** The image ID from the aux message, if one came. */
  imageId: string | undefined;
  /** The error message if the build failed. */
  error: string | undefined;
}

/** Folds the newline-separated JSON messages of a build into its log, image ID and error. */
export function parseBuildOutput(text: string): BuildResult {
  let log = '';
  let imageId: string | undefined;
  let error: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      log += `${line}\n`;
      continue;
    }
    if (typeof msg !== 'object' || msg === null) continue;
    const m = msg as { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown }; aux?: { ID?: unknown } };
    if (typeof m.stream === 'string') log += m.stream;
    if (typeof m.aux?.ID === 'string') imageId = m.aux.ID;
    if (typeof m.error === 'string') error = m.error;
    else if (typeof m.errorDetail?.message === 'string') error = m.errorDetail.message;
  }
  return { log, imageId, error };
}
