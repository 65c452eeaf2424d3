// Typed errors of the container runtime (the conditions the kubelet tells apart).

/** The image is not in the local store; the runtime never pulls, so the caller reports ErrImagePull/ImagePullBackOff. */
export class ImageNotPresentError extends Error {
  override readonly name = 'ImageNotPresentError';
  constructor(
    readonly image: string,
    options?: { cause?: unknown },
  ) {
    super(`image ${JSON.stringify(image)} is not present on this node (images are never pulled)`, options);
  }
}

/** No container or sandbox with this ID exists on this node (it may belong to another node's agent). */
export class ContainerNotFoundError extends Error {
  override readonly name = 'ContainerNotFoundError';
  constructor(
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`container ${JSON.stringify(id)} not found on this node`, options);
  }
}

/** An exec did not finish in time; its process was killed. */
export class ExecTimeoutError extends Error {
  override readonly name = 'ExecTimeoutError';
  constructor(
    readonly containerId: string,
    readonly cmd: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`command ${JSON.stringify(cmd)} in container ${containerId} timed out after ${timeoutMs} ms`);
  }
}
