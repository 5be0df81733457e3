// The logger a service writes to: the app's (pino) logger fits, and a test may pass its own.
// Services name only what they call, so they carry no Fastify type.
export interface ServiceLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}
