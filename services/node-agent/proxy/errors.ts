// Errors of the service proxy.

/** nft refused a transaction; nothing of it was applied. */
export class NftError extends Error {
  override readonly name = 'NftError';
  constructor(
    message: string,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** --proxy-mode=ipvs was asked for where the kernel or the tools cannot do it. */
export class IpvsUnavailableError extends Error {
  override readonly name = 'IpvsUnavailableError';
}
