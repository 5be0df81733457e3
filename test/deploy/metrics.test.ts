// The API's Prometheus endpoint: its own loopback port, request latencies
// labelled by route pattern (not by raw URL), Node's process metrics.
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { instrumentApi, serveMetrics, type MetricsServer } from '../../api/metrics';
import { freePort } from '../../stack/ports';

describe('API metrics', () => {
  let metrics: MetricsServer | undefined;
  afterAll(async () => metrics?.close());

  it('serves route-pattern latencies and process metrics on the metrics port only', async () => {
    const app = Fastify();
    app.get('/api/tasks/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    metrics = await serveMetrics(instrumentApi(app), '127.0.0.1', await freePort());
    for (const id of ['a1', 'b2', 'c3']) expect((await app.inject({ method: 'GET', url: `/api/tasks/${id}` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);

    const response = await fetch(metrics.url);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/duban_api_http_request_duration_seconds_count\{method="GET",route="\/api\/tasks\/:id",status="200"\} 3/);
    expect(text).toMatch(/duban_api_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toContain('a1');
    expect(text).toContain('duban_api_process_cpu_seconds_total');
    // The public app knows nothing of /metrics.
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await fetch(metrics.url.replace('/metrics', '/other'))).status).toBe(404);
    await app.close();
  });
});
