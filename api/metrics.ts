// Prometheus metrics of the API process (prom-client): Node's process metrics
// and one latency histogram per route pattern. Served on their own port
// (API_METRICS_PORT), never on the public API port.
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Records every request of `app`; call before `app.listen`. */
export function instrumentApi(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'duban_api_' });
  const latency = new Histogram({
    name: 'duban_api_http_request_duration_seconds',
    help: 'API requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The pattern (/api/tasks/:id), not the raw URL: ids would make a series per task.
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  return registry;
}

export function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        url: `http://${host}:${port}/metrics`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}
