// Issue #13 finding 7 (part): security headers on the app and JSON, no caching of
// /api answers, and framework 404s in the documented { error, message } shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTownship, startApi, type TestApi, type Township } from './support';

describe('response headers and framework errors', () => {
  let api: TestApi;
  let t: Township;
  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
  });
  afterAll(async () => api?.close());

  it('sets CSP with frame-ancestors, nosniff and Referrer-Policy on pages and JSON; no-store on /api', async () => {
    const secretary = await login(api.app, t.users.secretaryA.username);
    for (const res of [await api.app.inject({ method: 'GET', url: '/' }), await secretary.get('/api/ledgers')]) {
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await secretary.get('/api/ledgers')).headers['cache-control']).toBe('no-store');
  });

  it('answers an unknown route and a malformed URL with { error, message } in Chinese', async () => {
    for (const url of ['/api/no-such-route', '/api/ledgers/%E0%A4%A']) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(Object.keys(res.json()).sort(), url).toEqual(['error', 'message']);
      expect(res.json().message, url).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
