/** A failure to start that a person fixes by changing configuration or starting a service; printed as one line. */
export class StartupError extends Error {
  override name = 'StartupError';
}
